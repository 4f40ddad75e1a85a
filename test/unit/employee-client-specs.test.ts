import { CATALOG } from '../../src/commands/catalog';
import { CLIENT_COMMANDS } from '../../src/commands/client';
import { CONTRACT_COMMANDS } from '../../src/commands/contract';
import { EMPLOYEE_COMMANDS } from '../../src/commands/employee';
import { EVENT_COMMANDS } from '../../src/commands/event';

/** The CRM commands (employees, clients, contracts, events): in the catalog, with examples that use only their own flags. */
describe.each([...EMPLOYEE_COMMANDS, ...CLIENT_COMMANDS, ...CONTRACT_COMMANDS, ...EVENT_COMMANDS].map((spec) => [spec.name, spec] as const))('%s', (name, spec) => {
  it('should be in the catalog', () => {
    expect(CATALOG).toContain(spec);
  });

  it('should carry 2 to 4 examples that run this very command', () => {
    expect(spec.examples.length).toBeGreaterThanOrEqual(2);
    expect(spec.examples.length).toBeLessThanOrEqual(4);
    for (const example of spec.examples) expect(example).toContain(`epicevents ${name}`);
  });

  it('should only use flags that it declares in its examples', () => {
    const declared = new Set(['--json', '--yes', '-y', '--no-color', ...(spec.options ?? []).map((o) => o.flags.split(' ')[0])]);
    for (const example of spec.examples) {
      const command = example.slice(example.indexOf(`epicevents ${name}`)).split('|')[0];
      for (const flag of command.match(/(?<=\s)--?[a-z][a-z-]*/g) ?? []) expect([name, flag, declared.has(flag)]).toEqual([name, flag, true]);
    }
  });

  it('should load a run function lazily', async () => {
    expect(typeof (await spec.load())).toBe('function');
  });
});

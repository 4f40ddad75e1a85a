import { CATALOG } from '../../src/commands/catalog';

/** The commands of reports, CSV and completion: in the catalog, with examples that use only their own flags. */
const NAMES = ['report', 'completion', 'client import', 'client export', 'contract export', 'event export'];
const specs = NAMES.map((name) => CATALOG.find((spec) => spec.name === name));

describe.each(NAMES.map((name, i) => [name, specs[i]] as const))('%s', (name, spec) => {
  it('should be in the catalog', () => {
    expect(spec).toBeDefined();
  });

  it('should carry 2 to 4 examples that run this very command', () => {
    expect(spec!.examples.length).toBeGreaterThanOrEqual(2);
    expect(spec!.examples.length).toBeLessThanOrEqual(4);
    for (const example of spec!.examples) expect(example).toContain(`epicevents ${name}`);
  });

  it('should only use flags that it declares in its examples', () => {
    const declared = new Set(['--json', '--yes', '-y', '--no-color', ...(spec!.options ?? []).map((o) => o.flags.split(' ')[0])]);
    for (const example of spec!.examples) {
      const command = example.slice(example.indexOf(`epicevents ${name}`)).split('|')[0];
      for (const flag of command.match(/(?<=\s)--?[a-z][a-z-]*/g) ?? []) expect([name, flag, declared.has(flag)]).toEqual([name, flag, true]);
    }
  });

  it('should load a run function lazily', async () => {
    expect(typeof (await spec!.load())).toBe('function');
  });
});

describe.each([
  ['client', 'client list', 'client export'],
  ['contract', 'contract list', 'contract export'],
  ['event', 'event list', 'event export'],
])('%s export', (_, list, exported) => {
  it('should take exactly the filters of the list, and --csv instead of paging and --wide', () => {
    const flags = (name: string) => (CATALOG.find((s) => s.name === name)!.options ?? []).map((o) => o.flags);
    const filters = flags(list).filter((f) => !f.startsWith('--limit') && !f.startsWith('--cursor') && f !== '--wide');
    expect(flags(exported)).toEqual([...filters, '--csv']);
  });
});

import { type CommandSpec } from '../../src/cli/command-spec';
import { specsFor } from '../../src/cli/main';
import { CATALOG } from '../../src/commands/catalog';

const names = (specs: CommandSpec[]) => specs.map((s) => s.name);
const topLevel = CATALOG.filter((s) => !s.name.includes(' ')).map((s) => s.name);
const argv = (...words: string[]) => ['node', 'epicevents', ...words];

describe('specsFor', () => {
  it('should keep only the top-level commands when no noun is named', () => {
    expect(names(specsFor(argv('--help'), CATALOG))).toEqual(topLevel);
    expect(names(specsFor(argv('help', 'exit-codes'), CATALOG))).toEqual(topLevel);
  });

  it("should add the noun's verbs when a noun command runs", () => {
    const kept = names(specsFor(argv('--json', 'db', 'status'), CATALOG));
    const dbVerbs = names(CATALOG).filter((name) => name.startsWith('db '));
    expect(dbVerbs).toEqual(expect.arrayContaining(['db migrate', 'db status', 'db revert']));
    expect(kept.sort()).toEqual([...topLevel, ...dbVerbs].sort());
  });

  it("should add the noun's verbs when help is asked about a noun", () => {
    expect(names(specsFor(argv('help', 'db', 'status'), CATALOG))).toEqual(expect.arrayContaining(['db migrate', 'db status', 'db revert']));
  });

  it('should not add another noun whose name starts the same when one noun is named', () => {
    const specs: CommandSpec[] = ['client list', 'clientele list', 'init'].map((name) => ({ name, summary: '', examples: [], auth: 'none', load: async () => async () => ({ json: null, human: { kind: 'text', text: '' } }) }));
    expect(names(specsFor(argv('client', 'list'), specs))).toEqual(['client list', 'init']);
  });
});

import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CATALOG, NOUNS } from '../../src/commands/catalog';
import { completionModel, completionScript, type Shell } from '../../src/commands/completion/completion-script';

/**
 * The completion scripts, generated from the catalog, loaded by the real shells. bash is driven
 * through its completion function (COMP_WORDS/COMP_CWORD), fish through `complete -C`; zsh is
 * syntax-checked and its registration with compinit verified. A shell that is not installed
 * skips its tests (CI installs all three).
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'epicevents-completion-'));
const scriptFile = (shell: Shell) => {
  const file = path.join(dir, `epicevents.${shell}`);
  if (!fs.existsSync(file)) fs.writeFileSync(file, completionScript(shell, completionModel(NOUNS, CATALOG)));
  return file;
};
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const installed = (shell: string) => spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0;
const describeIf = (shell: string) => (installed(shell) ? describe : describe.skip);

const nouns = [...new Set(CATALOG.filter((s) => s.name.includes(' ')).map((s) => s.name.split(' ')[0]))];
const topLevel = CATALOG.filter((s) => !s.name.includes(' ')).map((s) => s.name);

/** What bash offers for the command line `words`, the last word being the one completed. */
function bashComplete(words: string[], cwd = dir): string[] {
  const quoted = words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
  const out = execFileSync(
    'bash',
    ['-c', `source "$1"; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _epicevents; printf '%s\\n' "\${COMPREPLY[@]}"`, 'bash', scriptFile('bash')],
    { cwd, encoding: 'utf8' },
  );
  return out.split('\n').filter((line) => line !== '');
}

describeIf('bash')('bash completion', () => {
  it('should complete a noun from its first letters', () => {
    expect(bashComplete(['epicevents', 'cl'])).toEqual(['client']);
  });

  it("should complete a noun's verb", () => {
    expect(bashComplete(['epicevents', 'client', 'cr'])).toEqual(['create']);
  });

  it('should offer every noun and top-level command, and help', () => {
    expect(bashComplete(['epicevents', '']).sort()).toEqual([...nouns, ...topLevel, 'help'].sort());
  });

  it('should offer the verbs of every noun of the catalog', () => {
    for (const noun of nouns) {
      const verbs = CATALOG.filter((s) => s.name.startsWith(`${noun} `)).map((s) => s.name.split(' ')[1]);
      expect([noun, bashComplete(['epicevents', noun, '']).sort()]).toEqual([noun, verbs.sort()]);
    }
  });

  it("should complete a command's own flags and the global ones", () => {
    expect(bashComplete(['epicevents', 'client', 'create', '--fu'])).toEqual(['--full-name']);
    expect(bashComplete(['epicevents', 'client', 'import', 'x.csv', '--sk'])).toEqual(['--skip-invalid']);
    expect(bashComplete(['epicevents', 'report', '--j'])).toEqual(['--json']);
    expect(bashComplete(['epicevents', 'event', 'list', '--no-'])).toEqual(expect.arrayContaining(['--no-support', '--no-color']));
    for (const noun of ['client', 'contract', 'event']) {
      for (const verb of ['list', 'export']) expect([noun, verb, bashComplete(['epicevents', noun, verb, '--sea'])]).toEqual([noun, verb, ['--search']]);
    }
    expect(bashComplete(['epicevents', 'event', 'update', '12', '--allow'])).toEqual(['--allow-overlap']);
  });

  it('should offer --wide on every list and on no export', () => {
    for (const list of CATALOG.filter((s) => s.name.endsWith(' list'))) {
      expect([list.name, bashComplete(['epicevents', ...list.name.split(' '), '--wi'])]).toEqual([list.name, ['--wide']]);
    }
    expect(bashComplete(['epicevents', 'client', 'export', '--wi'])).toEqual([]);
  });

  it('should leave the value of a flag that takes one to the user', () => {
    expect(bashComplete(['epicevents', 'client', 'create', '--email', ''])).toEqual([]);
  });

  it('should complete file names for client import and shells for completion', () => {
    const files = fs.mkdtempSync(path.join(dir, 'files-'));
    fs.writeFileSync(path.join(files, 'clients.csv'), '');
    expect(bashComplete(['epicevents', 'client', 'import', 'cli'], files)).toEqual(['clients.csv']);
    expect(bashComplete(['epicevents', 'completion', '']).sort()).toEqual(['bash', 'fish', 'zsh']);
  });

  it('should find the command past global flags typed before it', () => {
    expect(bashComplete(['epicevents', '--json', 'contract', 'si'])).toEqual(['sign']);
  });
});

describeIf('zsh')('zsh completion', () => {
  it('should be valid zsh', () => {
    const check = spawnSync('zsh', ['-n', scriptFile('zsh')], { encoding: 'utf8' });
    expect({ status: check.status, stderr: check.stderr }).toEqual({ status: 0, stderr: '' });
  });

  /**
   * What _epicevents hands to zsh for the command line `words`, with the completion builtins
   * replaced by stubs that print their candidates (zsh itself would then filter them by prefix).
   */
  const zshOffers = (words: string[]): string[] => {
    const stubs = [
      '_describe() { local name=${@[-1]}; print -rl -- ${(P)name} }',
      'compadd() { print -rl -- ${(P)${@[-1]}} }',
      '_files() { print -r -- FILES }',
      '_message() { print -r -- MESSAGE }',
      'compdef() { : }',
    ].join('; ');
    const array = words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
    const out = execFileSync('zsh', ['-f', '-c', `${stubs}; source "$1"; words=(${array}); CURRENT=${words.length}; PREFIX=${words[words.length - 1] === '' ? "''" : `'${words[words.length - 1]}'`}; _epicevents`, 'zsh', scriptFile('zsh')], { encoding: 'utf8' });
    return out.split('\n').filter((line) => line !== '').map((line) => line.split(':')[0].replace(/\\$/, ''));
  };

  it('should offer nouns, verbs and flags', () => {
    expect(zshOffers(['epicevents', 'cl'])).toEqual(expect.arrayContaining(['client', 'contract', 'report', 'completion', 'help']));
    expect(zshOffers(['epicevents', 'client', 'cr'])).toEqual(expect.arrayContaining(['create', 'import', 'export']));
    expect(zshOffers(['epicevents', 'client', 'create', '--'])).toEqual(expect.arrayContaining(['--full-name', '--email', '--json']));
    expect(zshOffers(['epicevents', 'completion', ''])).toEqual(['bash', 'zsh', 'fish']);
    expect(zshOffers(['epicevents', 'client', 'import', ''])).toEqual(['FILES']);
    expect(zshOffers(['epicevents', 'client', 'create', '--email', ''])).toEqual(['MESSAGE']);
  });

  it('should register its function with compinit when sourced', () => {
    const home = fs.mkdtempSync(path.join(dir, 'zdot-'));
    const out = execFileSync('zsh', ['-f', '-c', `autoload -U compinit && compinit -u -d "${home}/zcompdump" && source "$1" && print -r -- "$_comps[epicevents]"`, 'zsh', scriptFile('zsh')], {
      encoding: 'utf8',
      env: { ...process.env, ZDOTDIR: home },
    });
    expect(out.trim()).toBe('_epicevents');
  });
});

describeIf('fish')('fish completion', () => {
  const fishComplete = (line: string): string[] =>
    execFileSync('fish', ['--no-config', '-c', `source $argv[1]; complete -C ${JSON.stringify(line)}`, scriptFile('fish')], { encoding: 'utf8', cwd: dir })
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.split('\t')[0]);

  it('should be valid fish', () => {
    const check = spawnSync('fish', ['--no-execute', scriptFile('fish')], { encoding: 'utf8' });
    expect({ status: check.status, stderr: check.stderr }).toEqual({ status: 0, stderr: '' });
  });

  it('should complete nouns, verbs and flags', () => {
    expect(fishComplete('epicevents cl')).toEqual(['client']);
    expect(fishComplete('epicevents client cr')).toEqual(['create']);
    expect(fishComplete('epicevents client create --full')).toEqual(['--full-name']);
    expect(fishComplete('epicevents completion ').sort()).toEqual(['bash', 'fish', 'zsh']);
  });
});

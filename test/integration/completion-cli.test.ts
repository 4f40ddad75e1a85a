import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { runCli } from '../support/cli';

/** `epicevents completion` through the real binary, loaded the way the README says. */
const BIN = path.resolve(__dirname, '../../bin/epicevents.js');

function bashComplete(words: string[]): string[] {
  const line = words.map((w) => `'${w}'`).join(' ');
  const out = execFileSync(
    'bash',
    ['-c', `source <("${process.execPath}" "${BIN}" completion bash) && COMP_WORDS=(${line}) && COMP_CWORD=${words.length - 1} && _epicevents && printf '%s\\n' "\${COMPREPLY[@]}"`],
    { encoding: 'utf8' },
  );
  return out.split('\n').filter(Boolean);
}

describe('epicevents completion', () => {
  it('should print a bash script that completes `epicevents cl` to client and `epicevents client cr` to create', () => {
    expect(bashComplete(['epicevents', 'cl'])).toEqual(['client']);
    expect(bashComplete(['epicevents', 'client', 'cr'])).toEqual(['create']);
    expect(bashComplete(['epicevents', 're'])).toEqual(['report']);
  });

  it('should print a script for each shell without touching the database', async () => {
    for (const shell of ['bash', 'zsh', 'fish']) {
      const result = await runCli(['completion', shell], { env: { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' } });
      expect({ shell, code: result.code, stderr: result.stderr }).toEqual({ shell, code: 0, stderr: '' });
      expect(result.stdout).toContain('epicevents');
    }
  });

  it('should refuse an unknown shell with exit 2 and one line', async () => {
    const result = await runCli(['completion', 'powershell']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/bash, zsh, fish/);
  });

  it('should show examples in --help', async () => {
    const result = await runCli(['completion', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('$ epicevents completion bash');
  });
});

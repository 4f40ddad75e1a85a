import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The README's quick start, run as written: its install line and its PATH line leave an
 * `epicevents` that runs from any folder (not `npx`, which outside the checkout asks the public
 * registry), under a home of its own (as a user without root would have), and bash completion
 * completes it. Offline and without scripts: linking the checkout needs neither.
 */
const ROOT = path.resolve(__dirname, '../..');

function quickStart(): string[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Quick start'));
  const block = /```sh\n([^]*?)```/.exec(section)?.[1] ?? '';
  return block.split('\n').map((line) => line.replace(/\s+#.*$/, '').trim());
}

describe('installing the command as the README says', () => {
  let home: string;
  beforeAll(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'epicevents-install-'));
  });
  afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

  it('should put `epicevents` on the PATH with the quick start\'s install and PATH lines, and complete it in bash', () => {
    const lines = quickStart();
    const install = lines.find((line) => /npm install -g/.test(line))?.split('&&').map((part) => part.trim()).find((part) => part.startsWith('npm install -g'));
    const pathLine = lines.find((line) => line.startsWith('export PATH='));
    expect(install).toBeDefined();
    expect(pathLine).toBeDefined();
    expect(lines.some((line) => /\bnpx\b/.test(line))).toBe(false);

    const env = { PATH: process.env.PATH ?? '', HOME: home, npm_config_offline: 'true', npm_config_ignore_scripts: 'true', npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
    execFileSync('sh', ['-c', install!], { cwd: ROOT, env, stdio: 'pipe', timeout: 120_000 });

    // From a folder outside the checkout, with only the README's PATH line added.
    const script = `${pathLine}\ncommand -v epicevents\nepicevents version\nsource <(epicevents completion bash)\nCOMP_WORDS=(epicevents notif); COMP_CWORD=1; _epicevents; echo "\${COMPREPLY[*]}"\n`;
    const run = spawnSync('bash', ['-c', script], { cwd: home, env: { ...env, NO_COLOR: '1' }, encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    const [found, version, completed] = run.stdout.trim().split('\n');
    expect(found).toBe(path.join(home, '.local', 'bin', 'epicevents'));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(version).toBe((require('../../package.json') as { version: string }).version);
    expect(completed).toBe('notification');
  }, 180_000);
});

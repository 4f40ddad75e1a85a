import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CliError } from '../../src/errors/cli-error';
import { lockDataFolder, lockFileFor } from '../../src/database/folder-lock';

/** The lock that keeps a second process off an embedded data folder. */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'epicevents-lock-'));
let folder = 0;
const dataDir = () => path.join(dir, `data-${(folder += 1)}`);
let holder: ChildProcess | undefined;

/** A live process other than this one, to stand for another epicevents command. */
function otherProcess(): number {
  holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  return holder.pid!;
}

afterEach(() => holder?.kill());
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('lockDataFolder', () => {
  it('should create a lock file beside the folder holding this pid, and remove it on release', async () => {
    const data = dataDir();
    const lock = await lockDataFolder(data);
    expect(lockFileFor(data)).toBe(`${data}.lock`);
    expect(fs.readFileSync(`${data}.lock`, 'utf8')).toBe(`${process.pid}\n`);
    lock.release();
    expect(fs.existsSync(`${data}.lock`)).toBe(false);
  });

  it('should share the lock between opens of one process, removing it after the last release', async () => {
    const data = dataDir();
    const first = await lockDataFolder(data, undefined, 0);
    const second = await lockDataFolder(data, undefined, 0);
    first.release();
    expect(fs.existsSync(`${data}.lock`)).toBe(true);
    second.release();
    expect(fs.existsSync(`${data}.lock`)).toBe(false);
  });

  it('should wait while another live process holds it, then refuse with exit 7 naming that process', async () => {
    const data = dataDir();
    const pid = otherProcess();
    fs.writeFileSync(`${data}.lock`, `${pid}\n`);
    const waits: string[] = [];
    const started = Date.now();
    const refusal = lockDataFolder(data, (text) => waits.push(text), 300);
    await expect(refusal).rejects.toThrow(CliError);
    await expect(refusal).rejects.toMatchObject({ code: 'unavailable', message: `the embedded database is in use by another epicevents process (pid ${pid})` });
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(waits).toEqual([`waiting for another epicevents process (pid ${pid}) to finish with the embedded database…`]);
    expect(fs.readFileSync(`${data}.lock`, 'utf8')).toBe(`${pid}\n`); // still theirs
  });

  it('should take the lock as soon as the other process releases it', async () => {
    const data = dataDir();
    fs.writeFileSync(`${data}.lock`, `${otherProcess()}\n`);
    setTimeout(() => fs.unlinkSync(`${data}.lock`), 300);
    const lock = await lockDataFolder(data, undefined, 10_000);
    expect(fs.readFileSync(`${data}.lock`, 'utf8')).toBe(`${process.pid}\n`);
    lock.release();
  });

  it('should take over a lock left by a process that is gone', async () => {
    const data = dataDir();
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    fs.writeFileSync(`${data}.lock`, `${gone}\n`);
    const lock = await lockDataFolder(data, undefined, 0);
    expect(fs.readFileSync(`${data}.lock`, 'utf8')).toBe(`${process.pid}\n`);
    lock.release();
  });

  it('should take over a lock naming this very process that it does not hold (a pid reused after a restart)', async () => {
    const data = dataDir();
    fs.writeFileSync(`${data}.lock`, `${process.pid}\n`);
    const lock = await lockDataFolder(data, undefined, 0);
    lock.release();
    expect(fs.existsSync(`${data}.lock`)).toBe(false);
  });
});

import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { acquireProcessLock } from '../../src/config/process-lock';

const lockName = () => `test:${randomUUID()}`;

/** Another process that takes the lock and keeps it until it is killed. */
async function holdInAnotherProcess(name: string): Promise<{ kill(): Promise<void> }> {
  const source = fs.readFileSync(path.resolve(__dirname, '../../src/config/process-lock.ts'), 'utf8');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'epicevents-lock-'));
  const file = path.join(dir, 'process-lock.js');
  fs.writeFileSync(file, ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText);
  const script = `require(${JSON.stringify(file)}).acquireProcessLock(${JSON.stringify(name)}, { timeoutMs: 5000 })
    .then((lock) => { process.stdout.write(lock ? 'held\\n' : 'busy\\n'); setInterval(() => undefined, 1000); });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const answer = await new Promise<string>((resolve) => child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())));
  if (answer !== 'held') throw new Error(`the other process could not take the lock: ${answer}`);
  return {
    kill: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
        fs.rmSync(dir, { recursive: true, force: true });
      }),
  };
}

describe('acquireProcessLock', () => {
  it('should give the lock to one holder at a time and to the next one once released', async () => {
    const name = lockName();
    const first = await acquireProcessLock(name, { timeoutMs: 1000 });
    expect(first).toBeDefined();
    const onWait = jest.fn();
    const started = Date.now();
    expect(await acquireProcessLock(name, { timeoutMs: 300, onWait })).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    // At the first try and at every retry after it (every 50 to 100 ms).
    expect(onWait.mock.calls.length).toBeGreaterThanOrEqual(2);

    const waiting = acquireProcessLock(name, { timeoutMs: 5000 });
    setTimeout(() => void first!.release(), 200);
    const second = await waiting;
    expect(second).toBeDefined();
    await second!.release();
  });

  it('should not block another name', async () => {
    const a = await acquireProcessLock(lockName(), { timeoutMs: 1000 });
    const b = await acquireProcessLock(lockName(), { timeoutMs: 1000 });
    expect(a && b).toBeDefined();
    await a!.release();
    await b!.release();
  });

  it('should be free as soon as a holder in another process is killed', async () => {
    const name = lockName();
    const other = await holdInAnotherProcess(name);
    expect(await acquireProcessLock(name, { timeoutMs: 300 })).toBeUndefined();
    await other.kill();
    const started = Date.now();
    const lock = await acquireProcessLock(name, { timeoutMs: 5000 });
    expect(lock).toBeDefined();
    expect(Date.now() - started).toBeLessThan(1000);
    await lock!.release();
  });
});

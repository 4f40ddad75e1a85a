/**
 * Runs one keytar call in a child process: `node keychain-process.js get|set|delete service account`,
 * the secret (for set) on stdin, the result as JSON on stdout. A Secret Service that never answers
 * blocks keytar's worker thread, and Node cannot exit while one is blocked; in a child the parent
 * simply kills it after the timeout and carries on with the file store.
 */
interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

async function readStdin(): Promise<string> {
  let input = '';
  for await (const chunk of process.stdin) input += String(chunk);
  return input;
}

async function main(): Promise<void> {
  const [operation, service, account] = process.argv.slice(2);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const keytar = require('keytar') as Keytar;
  let value: unknown;
  if (operation === 'get') value = await keytar.getPassword(service, account);
  else if (operation === 'set') value = await keytar.setPassword(service, account, await readStdin());
  else if (operation === 'delete') value = await keytar.deletePassword(service, account);
  else throw new Error(`unknown keychain operation ${operation}`);
  process.stdout.write(JSON.stringify({ value: value ?? null }));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);

import fs from 'node:fs';
import tls from 'node:tls';
import { type RunFunction } from '../../cli/command-spec';
import { tokenSettings } from '../../auth/authenticate';
import { usageError } from '../../errors/cli-error';
import { STREAMED } from '../../output/view';
import { flagString } from '../shared/flags';
import { durationSeconds, MAX_KEEP_OPEN_SECONDS } from '../../config/duration';

const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_PORT = 8080;

/** Serves until SIGTERM or SIGINT, then exits 0. Fastify loads only here, never for another command. */
export const run: RunFunction = async (ctx, { options }) => {
  const keepOpenSeconds = keepOpen(flagString(options, 'keepOpen'), options, ctx.config.databaseUrl);
  const host = flagString(options, 'host') ?? DEFAULT_HOST;
  if (!/^[^\s/]+$/.test(host)) throw usageError(`--host must be an address or a host name (got "${host}")`, 'e.g. --host 0.0.0.0 to listen on every address');
  const port = parsePort(flagString(options, 'port'));
  const https = readTls(flagString(options, 'tlsCert'), flagString(options, 'tlsKey'));
  // With DATABASE_URL the JWT secret is required: refused here (exit 7) before anything listens.
  const tokens = tokenSettings(ctx);
  const { serve } = await import('../../server/serve');
  await serve({
    host,
    port,
    https,
    trustProxy: options.trustProxy === true,
    allowSignup: options.allowSignup === true,
    keepOpenSeconds,
    config: ctx.config,
    tokens,
    env: ctx.env,
    stdout: ctx.output.streams.stdout,
    stderr: ctx.output.streams.stderr,
  });
  return STREAMED;
};

/** `--keep-open`'s seconds: only for the embedded database, which it serves on its folder's socket, not on a port. */
function keepOpen(text: string | undefined, options: Record<string, unknown>, databaseUrl: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seconds = durationSeconds(text);
  if (seconds === undefined || seconds > MAX_KEEP_OPEN_SECONDS) throw usageError(`--keep-open must be a duration from 1s to 24h, like 90s, 30m or 2h (got "${text}")`);
  if (databaseUrl) throw usageError('--keep-open keeps the embedded database open; with DATABASE_URL there is none to keep', 'run `epicevents serve` to serve the server database, or unset DATABASE_URL');
  const conflicting = ['host', 'port', 'tlsCert', 'tlsKey', 'trustProxy', 'allowSignup'].filter((name) => options[name] !== undefined);
  if (conflicting.length > 0) {
    const flags = conflicting.map((name) => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ');
    throw usageError(`--keep-open serves this machine's commands on the data folder's socket: it takes no ${flags}`, 'drop them, or run `epicevents serve` without --keep-open to serve on a port');
  }
  return seconds;
}

function parsePort(text: string | undefined): number {
  if (text === undefined) return DEFAULT_PORT;
  if (!/^[0-9]{1,5}$/.test(text) || Number(text) > 65535) throw usageError(`--port must be a whole number from 0 to 65535 (got "${text}")`, '0 picks a free port');
  return Number(text);
}

function readTls(certFile: string | undefined, keyFile: string | undefined): { cert: Buffer; key: Buffer } | undefined {
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (certFile === undefined || keyFile === undefined) throw usageError('--tls-cert and --tls-key go together', 'give both, or neither to serve plain http');
  const pair = { cert: readFlagFile('--tls-cert', certFile), key: readFlagFile('--tls-key', keyFile) };
  try {
    tls.createSecureContext(pair);
  } catch {
    throw usageError('--tls-cert and --tls-key must be a PEM certificate and its matching private key', 'check both files (`openssl x509 -in CERT -noout -text`)');
  }
  return pair;
}

function readFlagFile(flag: string, file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    throw usageError(`cannot read ${flag} ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`, 'give the path of a readable PEM file');
  }
}

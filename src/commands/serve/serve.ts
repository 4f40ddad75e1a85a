import fs from 'node:fs';
import tls from 'node:tls';
import { type RunFunction } from '../../cli/command-spec';
import { tokenSettings } from '../../auth/authenticate';
import { usageError } from '../../errors/cli-error';
import { STREAMED } from '../../output/view';
import { flagString } from '../shared/flags';

const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_PORT = 8080;

/** Serves until SIGTERM or SIGINT, then exits 0. Fastify loads only here, never for another command. */
export const run: RunFunction = async (ctx, { options }) => {
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
    config: ctx.config,
    tokens,
    env: ctx.env,
    stdout: ctx.output.streams.stdout,
    stderr: ctx.output.streams.stderr,
  });
  return STREAMED;
};

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

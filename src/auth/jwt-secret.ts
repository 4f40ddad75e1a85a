import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { type Config, ensurePrivateDir, readRegularFile, writePrivateFile } from '../config/config';
import { unavailable } from '../errors/cli-error';

const MIN_SECRET_BYTES = 32;

/**
 * The HS256 key. On a server it must come from EPICEVENTS_JWT_SECRET (at least 32 bytes), since
 * every machine using that database must share it. The embedded database is private to this
 * machine, so a random key is generated on first use and kept in the config folder (mode 0600).
 */
export function jwtSecret(config: Config, env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.EPICEVENTS_JWT_SECRET;
  if (configured !== undefined && configured !== '') {
    if (Buffer.byteLength(configured, 'utf8') < MIN_SECRET_BYTES) {
      throw unavailable(`EPICEVENTS_JWT_SECRET is too short: it needs at least ${MIN_SECRET_BYTES} bytes`, 'generate one with `openssl rand -base64 48`');
    }
    return configured;
  }
  if (config.databaseUrl) {
    throw unavailable('EPICEVENTS_JWT_SECRET is not set; it is required with DATABASE_URL', 'set it (at least 32 bytes, e.g. `openssl rand -base64 48`) in the environment or .env');
  }
  const file = path.join(config.homeDir, 'jwt-secret');
  const stored = readRegularFile(file);
  if (stored) {
    // Whoever can read the key can sign a MANAGEMENT login: refused, as a shared credentials file is.
    if ((stored.mode & 0o077) !== 0) {
      throw unavailable(`${file} is readable by other users, so it is not trusted`, `make it private with \`chmod 600 ${file}\` (whoever read it can sign logins)`);
    }
    const key = stored.content.trim();
    if (Buffer.byteLength(key) >= MIN_SECRET_BYTES) return key;
  }
  ensurePrivateDir(config.homeDir);
  const secret = randomBytes(48).toString('base64');
  writePrivateFile(file, `${secret}\n`);
  return secret;
}

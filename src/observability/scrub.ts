/**
 * Removes secrets from anything about to leave for Sentry: values under secret-looking keys, and
 * secret-looking text anywhere (JWTs, argon2 hashes, bearer tokens, passwords inside connection
 * strings), however deep they sit in the event.
 */
const SECRET_KEY = /pass(word)?|secret|token|authorization|cookie|credential|hash|dsn|jwt/i;
const FILTERED = '[Filtered]';

const SECRET_TEXT: [RegExp, string][] = [
  [/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, FILTERED], // JWT
  [/\$argon2(id|i|d)\$[^\s"']+/g, FILTERED],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${FILTERED}`],
  [/\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/@]*):([^\s@/]+)@/gi, `$1$2:${FILTERED}@`], // user:password@ (or :password@) in URLs
  [/\b(password|passwd|pwd|secret|token)=([^\s&;]+)/gi, `$1=${FILTERED}`],
];

export function scrubText(text: string): string {
  return SECRET_TEXT.reduce((current, [pattern, replacement]) => current.replace(pattern, replacement), text);
}

/**
 * `scrubText`, plus the literal values of the secrets this process was given (the password in
 * DATABASE_URL, the JWT secret, an access token), wherever they appear: for error lines shown to
 * the user, which must never echo a secret even if a driver quotes one.
 */
export function scrubSecrets(text: string, env: NodeJS.ProcessEnv): string {
  let result = scrubText(text);
  for (const secret of knownSecrets(env)) result = result.split(secret).join(FILTERED);
  return result;
}

function knownSecrets(env: NodeJS.ProcessEnv): string[] {
  const secrets = [env.EPICEVENTS_JWT_SECRET, env.EPICEVENTS_TOKEN];
  try {
    const password = env.DATABASE_URL ? new URL(env.DATABASE_URL).password : '';
    secrets.push(password, password ? decodeURIComponent(password) : '');
  } catch {
    // A malformed URL is refused by the configuration before any connection is made.
  }
  // Very short values would blank out ordinary words; real secrets are longer.
  return secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4);
}

export function scrub<T>(value: T, depth = 0): T {
  if (depth > 20) return value;
  if (typeof value === 'string') return scrubText(value) as T;
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      out[key] = SECRET_KEY.test(key) && inner !== null && typeof inner !== 'object' ? FILTERED : scrub(inner, depth + 1);
    }
    return out as T;
  }
  return value;
}

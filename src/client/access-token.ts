/**
 * When an access token expires, read from its `exp` claim without verifying it: the client holds
 * no key, and it is the server that verifies. Knowing it saves a refused request before renewal.
 */
export function accessTokenExpiry(token: string): Date | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? new Date(payload.exp * 1000) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Renewed this long before it expires, so that it does not expire on its way to the server, nor
 * at a server whose clock runs a little ahead.
 */
const EXPIRY_MARGIN_MS = 30_000;

/** Whether the token is still good enough to send; a token that says nothing is left for the server to judge. */
export function stillValid(token: string, now = Date.now()): boolean {
  const expiry = accessTokenExpiry(token);
  return expiry === undefined || expiry.getTime() - EXPIRY_MARGIN_MS > now;
}

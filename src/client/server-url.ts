import { isIP } from 'node:net';
import { unavailable } from '../errors/cli-error';

/**
 * A server the CLI may talk to: its origin (`https://crm.example.com:8443`), which names its
 * session in the keychain and the credentials file, and the URL requests are built on.
 */
export interface ServerAddress {
  origin: string;
  url: URL;
  /** The Unix socket the server listens on (the kept-open embedded database), instead of the URL's host and port. */
  socketPath?: string;
}

/** The process that keeps this machine's embedded database open, on its folder's socket. */
export function socketAddress(socketPath: string): ServerAddress {
  return { origin: `unix:${socketPath}`, url: new URL('http://localhost/'), socketPath };
}

/**
 * Parses a server URL (`EPICEVENTS_SERVER`, `login --server`). Tokens and passwords travel in its
 * requests, so plain http is allowed only to this machine (`localhost`, 127.0.0.0/8, ::1); any other
 * host needs https, whose certificate is then verified like any other (`NODE_EXTRA_CA_CERTS` adds a
 * private authority). Exit 7 naming the URL otherwise.
 */
export function parseServerUrl(text: string, source: string): ServerAddress {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw unavailable(`${source} is not a URL: ${text}`, 'give the address of the server, e.g. https://crm.example.com');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw unavailable(`${source} must be an http or https URL: ${url.href}`, 'e.g. https://crm.example.com');
  }
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
    throw unavailable(`${source} must be the server's address only, without a path, query or credentials: ${url.href}`, `use ${url.origin}`);
  }
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw unavailable(
      `refusing plain http to ${url.origin}: passwords and tokens would cross the network unencrypted`,
      `use https://${url.host}; plain http is only for a server on this machine`,
    );
  }
  return { origin: url.origin, url: new URL(url.origin) };
}

/** `localhost`, 127.0.0.0/8 and ::1: addresses that never leave this machine. */
export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  // The URL parser writes IPv6 addresses in their shortest form.
  return host === '::1';
}

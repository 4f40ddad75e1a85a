import { type CommandSpec } from '../../cli/command-spec';

export const SERVE_COMMANDS: CommandSpec[] = [
  {
    name: 'serve',
    summary: 'serve the HTTP API over the database (permissions enforced on the server)',
    auth: 'none',
    options: [
      { flags: '--host <host>', description: 'address to listen on (default 127.0.0.1)' },
      { flags: '--port <port>', description: 'port to listen on (default 8080; 0 picks a free one)' },
      { flags: '--tls-cert <file>', description: 'PEM certificate (chain) to serve https, with --tls-key' },
      { flags: '--tls-key <file>', description: 'PEM private key of --tls-cert' },
      { flags: '--trust-proxy', description: 'behind a reverse proxy: take the client address and protocol from X-Forwarded-* headers' },
      { flags: '--allow-signup', description: 'let new companies sign up (`epicevents signup`), rate-limited per address; off by default' },
      {
        flags: '--keep-open <duration>',
        description: "keep the embedded database open for this machine's commands (a socket in its data folder) until none came for <duration>, e.g. 30m; commands at a terminal start this themselves (EPICEVENTS_KEEP_OPEN)",
      },
    ],
    examples: [
      'epicevents serve',
      'DATABASE_URL=postgres://epicevents_app@db.internal/epicevents epicevents serve --host 0.0.0.0 --port 8443 --tls-cert /etc/epicevents/cert.pem --tls-key /etc/epicevents/key.pem',
      'epicevents serve --port 8080 --trust-proxy',
      'epicevents serve --allow-signup',
      'epicevents serve --keep-open 30m',
    ],
    directOnly: true,
    load: async () => (await import('./serve')).run,
  },
];

/**
 * A PostgreSQL server of its own, for tests that stop a server in the middle of a command: the
 * shared server of the test run must never be stopped. Needs the PostgreSQL binaries
 * (postgres-cluster.js).
 */
export interface ThrowawayServer {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  stop(mode: 'fast' | 'immediate'): void;
  start(): void;
  destroy(): void;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const cluster = require('./postgres-cluster.js') as {
  postgresBinDir(): string | undefined;
  startCluster(options?: { maxConnections?: number }): Promise<ThrowawayServer>;
};

export const throwawayServerAvailable = (): boolean => cluster.postgresBinDir() !== undefined;

export const startThrowawayServer = (): Promise<ThrowawayServer> => cluster.startCluster();

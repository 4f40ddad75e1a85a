import { type CommandContext } from '../cli/context';
import { type BusinessEvent } from './business-events';
import { scrub } from './scrub';

type SentryModule = typeof import('@sentry/node');

/** Who and what an event is about: a command (its context), or a request of `serve`. */
export type ReportContext = Pick<CommandContext, 'env' | 'commandName' | 'actorId'> & { requestId?: string; route?: string };

const FLUSH_TIMEOUT_MS = 2000;
let sentry: SentryModule | undefined;

/**
 * Loads and starts Sentry on first use, and only when SENTRY_DSN is set: importing the SDK costs
 * a few hundred milliseconds that a command without it must not pay.
 */
function client(env: NodeJS.ProcessEnv): SentryModule | undefined {
  const dsn = env.SENTRY_DSN?.trim();
  if (!dsn) return undefined;
  if (sentry) return sentry;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require('@sentry/node') as SentryModule;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { version } = require('../../../package.json') as { version: string };
  loaded.init({
    dsn,
    release: `epicevents@${version}`,
    environment: env.SENTRY_ENVIRONMENT || 'production',
    // A CLI captures explicitly: no global handlers, tracing, breadcrumbs of console or HTTP.
    defaultIntegrations: false,
    enableOpenTelemetrySetup: false,
    sendClientReports: false,
    integrations: [loaded.linkedErrorsIntegration(), loaded.nodeContextIntegration()],
    maxBreadcrumbs: 0,
    // The SDK would send the machine's hostname as server_name: it names an employee's computer.
    includeServerName: false,
    shutdownTimeout: FLUSH_TIMEOUT_MS,
    beforeSend: (event) => scrub(event),
  });
  sentry = loaded;
  return sentry;
}

/** The unexpected-error path (exit 1, HTTP 500): the exception, with the command or request and the employee. */
export async function reportUnexpected(error: unknown, ctx: ReportContext): Promise<void> {
  const sdk = safely(() => client(ctx.env));
  if (!sdk) return;
  safely(() =>
    sdk.withScope((scope) => {
      tagContext(scope, ctx);
      sdk.captureException(error);
    }),
  );
}

/** Business events of a successful command, each a readable message with ids as tags. */
export async function reportBusinessEvents(events: BusinessEvent[], ctx: ReportContext): Promise<void> {
  if (events.length === 0) return;
  const sdk = safely(() => client(ctx.env));
  if (!sdk) return;
  for (const event of events) {
    safely(() =>
      sdk.withScope((scope) => {
        tagContext(scope, ctx);
        scope.setTag('event', event.name);
        for (const [key, value] of Object.entries(event.tags)) scope.setTag(key, String(value));
        sdk.captureMessage(event.message, 'info');
      }),
    );
  }
}

function tagContext(scope: { setTag(key: string, value: string): unknown }, ctx: ReportContext): void {
  scope.setTag('command', ctx.commandName);
  if (ctx.actorId !== undefined) scope.setTag('employee_id', String(ctx.actorId));
  if (ctx.requestId !== undefined) scope.setTag('request_id', ctx.requestId);
  if (ctx.route !== undefined) scope.setTag('route', ctx.route);
}

/** Waits at most 2 s for queued events to leave; instant when Sentry never loaded. */
export async function flushTelemetry(): Promise<void> {
  if (!sentry) return;
  await sentry.close(FLUSH_TIMEOUT_MS).catch(() => false);
}

/** Telemetry must never turn a command's outcome into a failure. */
function safely<T>(work: () => T): T | undefined {
  try {
    return work();
  } catch {
    return undefined;
  }
}

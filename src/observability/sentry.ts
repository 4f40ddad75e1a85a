import { type CommandContext } from '../cli/context';

/** Sends an unexpected error to Sentry when SENTRY_DSN is set (the module loads only then). */
export async function reportUnexpected(_error: unknown, _ctx: CommandContext): Promise<void> {
  // Filled in by the observability work; nothing is loaded without SENTRY_DSN.
}

/** Waits (at most 2 s) for queued Sentry events to leave; instant when Sentry never loaded. */
export async function flushTelemetry(): Promise<void> {}

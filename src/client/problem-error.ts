import { CliError, type ErrorCode, type Message, type MessagePart } from '../errors/cli-error';

const CODES: ReadonlySet<string> = new Set<ErrorCode>(['usage', 'validation', 'unauthenticated', 'forbidden', 'not_found', 'conflict', 'unavailable', 'cancelled', 'internal']);

/**
 * The `CliError` a problem document stands for: the inverse of the server's error mapping, so
 * that a command in server mode prints what it prints in direct mode, fields named as its flags.
 * A document carries `detail` and `hint` for any client, and, when they name fields, the same as
 * `detailParts` and `hintParts` (text and `{"field": name}` references), from which the CLI
 * rebuilds the message with its own names for the fields. Undefined when the body is not
 * a problem document of this API.
 */
export function errorFromProblem(body: string): CliError | undefined {
  let problem: Record<string, unknown>;
  try {
    problem = JSON.parse(body) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (problem === null || typeof problem !== 'object' || typeof problem.code !== 'string' || !CODES.has(problem.code) || typeof problem.detail !== 'string') return undefined;
  const code = problem.code as ErrorCode;
  const text = messageOf(problem.detailParts) ?? problem.detail;
  const hint = messageOf(problem.hintParts) ?? (typeof problem.hint === 'string' ? problem.hint : undefined);
  return new CliError(code, text, hint);
}

/** `["the ", {"field":"amountDue"}, " is …"]`: text and field references; anything else is ignored. */
function messageOf(value: unknown): Message | undefined {
  if (!Array.isArray(value)) return undefined;
  const parts: MessagePart[] = [];
  for (const part of value) {
    if (typeof part === 'string') parts.push(part);
    else if (part !== null && typeof part === 'object' && typeof (part as { field?: unknown }).field === 'string') parts.push({ field: (part as { field: string }).field });
    else return undefined;
  }
  return parts;
}

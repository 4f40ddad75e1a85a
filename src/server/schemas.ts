import { STATUS_CODES } from 'node:http';
import { PROBLEM_CONTENT_TYPE } from './problem';

/** The error responses a route documents, each a problem document (`Problem`). */
export function errorResponses(...statuses: number[]): Record<number, object> {
  return Object.fromEntries(
    statuses.map((status) => [status, { description: STATUS_CODES[status], content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: 'Problem#' } } } }]),
  );
}

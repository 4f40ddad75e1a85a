/** What a command returns: the JSON document, and how a person should see the same data. */
export interface CommandResult {
  json: unknown;
  human: HumanView;
  /** Lines for the person, on stderr after the output (`next page: --cursor N` under a list), with --json too. */
  notes?: string[];
}

export interface Column<T> {
  header: string;
  value: (row: T) => string;
  align?: 'left' | 'right';
  /** Columns that give up width first when the terminal is narrow. */
  flexible?: boolean;
}

export type HumanView =
  | { kind: 'message'; text: string }
  | { kind: 'record'; fields: [label: string, value: string][]; title?: string }
  | { kind: 'table'; rows: unknown[]; columns: Column<never>[]; empty: string; footer?: string }
  | { kind: 'text'; text: string }
  /** The command already wrote its output as a stream (CSV export, import report): nothing more to print. */
  | { kind: 'streamed' };

export function tableView<T>(rows: T[], columns: Column<T>[], empty: string, footer?: string): HumanView {
  return { kind: 'table', rows, columns: columns as Column<never>[], empty, footer };
}

export const message = (text: string, json: unknown = { message: text }): CommandResult => ({
  json,
  human: { kind: 'message', text },
});

/** The result of a command that streamed its own output to stdout. */
export const STREAMED: CommandResult = { json: undefined, human: { kind: 'streamed' } };

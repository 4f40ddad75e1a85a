/**
 * Reads a command needs before its own query (its caller re-read, the reminders now due), as
 * columns of one SELECT: the database sends them in the same round trip as its schema check when
 * it opens with them (`Database.openCurrent`), or alone otherwise (`Database.startRow`). Each
 * column is a scalar subquery; `param` numbers the values they share.
 */
export class StartQuery {
  private readonly columns: string[] = [];
  readonly params: unknown[] = [];

  /** The placeholder of `value` in this query (`$1`, `$2`, …). */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  /** Adds `(sql) AS alias`; `sql` must give one value (a scalar subquery, an ARRAY(…), a row as json). */
  column(alias: string, sql: string): this {
    this.columns.push(`(${sql}) AS ${alias}`);
    return this;
  }

  /** The select list, after whatever else the statement selects. */
  get selectList(): string {
    return this.columns.join(', ');
  }
}

export type StartRow = Record<string, unknown>;

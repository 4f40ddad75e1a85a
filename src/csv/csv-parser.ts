import { StringDecoder } from 'node:string_decoder';

/**
 * A streaming RFC 4180 reader: fields separated by commas, records by CRLF (or LF, or a lone CR),
 * fields optionally in double quotes, where `""` is one quote and commas and line breaks are data.
 * A byte-order mark at the very start is dropped, blank lines are skipped.
 *
 * It never holds more than one record: chunks go in, complete records come out. A broken record
 * (a stray quote, text after a closing quote, a field longer than the limit, a quote left open at
 * the end of the file) is still returned, with `error` saying what is wrong, so a caller can
 * report that one line and go on.
 */
export interface CsvRecord {
  /** The physical line (1-based) on which the record starts; a record can span several lines. */
  line: number;
  fields: string[];
  error?: string;
}

export interface CsvParserOptions {
  /** Longest field kept, in UTF-16 code units; longer ones are cut and the record flagged. */
  maxFieldLength?: number;
  /** Most fields kept per record; more are dropped and the record flagged. */
  maxFields?: number;
}

const enum State {
  /** At the start of a field, nothing read yet. */
  FieldStart,
  Unquoted,
  Quoted,
  /** A quote read inside a quoted field: either `""` or the closing quote. */
  QuoteInQuoted,
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;

export class CsvParser {
  private readonly maxFieldLength: number;
  private readonly maxFields: number;
  private state = State.FieldStart;
  private fields: string[] = [];
  private field = '';
  private error?: string;
  /** Physical line of the next character. */
  private line = 1;
  private recordLine = 1;
  private recordStarted = false;
  /** A CR ended the last record: an LF right after it belongs to the same line break. */
  private afterCR = false;
  private atStart = true;
  private out: CsvRecord[] = [];

  constructor(options: CsvParserOptions = {}) {
    this.maxFieldLength = options.maxFieldLength ?? 100_000;
    this.maxFields = options.maxFields ?? 1_000;
  }

  /** Feeds a chunk of text; returns the records it completed. */
  push(chunk: string): CsvRecord[] {
    this.out = [];
    let i = 0;
    const n = chunk.length;
    if (this.atStart && n > 0) {
      this.atStart = false;
      if (chunk.charCodeAt(0) === 0xfeff) i = 1;
    }
    while (i < n) {
      if (this.afterCR) {
        this.afterCR = false;
        if (chunk.charCodeAt(i) === LF) {
          i += 1;
          continue;
        }
      }
      switch (this.state) {
        case State.FieldStart:
        case State.Unquoted:
          i = this.unquoted(chunk, i, n);
          break;
        case State.Quoted:
          i = this.quoted(chunk, i, n);
          break;
        case State.QuoteInQuoted:
          i = this.afterQuote(chunk, i);
          break;
      }
    }
    return this.out;
  }

  /** Ends the input; returns the last record, if one was in progress. */
  end(): CsvRecord[] {
    this.out = [];
    if (this.state === State.Quoted) this.flag(`a quoted field is never closed (the file ends inside it)`);
    if (this.recordStarted) this.endRecord();
    return this.out;
  }

  private unquoted(chunk: string, start: number, n: number): number {
    if (this.state === State.FieldStart && chunk.charCodeAt(start) === QUOTE) {
      this.begin();
      this.state = State.Quoted;
      return start + 1;
    }
    let i = start;
    while (i < n) {
      const c = chunk.charCodeAt(i);
      if (c === COMMA || c === CR || c === LF) break;
      if (c === QUOTE) this.flag('a quote inside a field that does not start with a quote (quote the whole field and double the quote)');
      i += 1;
    }
    if (i > start) {
      this.begin();
      this.append(chunk, start, i);
      this.state = State.Unquoted;
    }
    if (i < n) this.separator(chunk.charCodeAt(i));
    return i < n ? i + 1 : i;
  }

  private quoted(chunk: string, start: number, n: number): number {
    const quote = chunk.indexOf('"', start);
    const stop = quote === -1 ? n : quote;
    this.append(chunk, start, stop);
    for (let lf = chunk.indexOf('\n', start); lf !== -1 && lf < stop; lf = chunk.indexOf('\n', lf + 1)) this.line += 1;
    if (quote === -1) return n;
    this.state = State.QuoteInQuoted;
    return quote + 1;
  }

  private afterQuote(chunk: string, i: number): number {
    const c = chunk.charCodeAt(i);
    if (c === QUOTE) {
      this.append(chunk, i, i + 1);
      this.state = State.Quoted;
      return i + 1;
    }
    if (c === COMMA || c === CR || c === LF) {
      this.separator(c);
      return i + 1;
    }
    this.flag('text after the closing quote of a field (a quote inside a quoted field is written "")');
    this.state = State.Unquoted;
    return i;
  }

  /** A comma, CR or LF outside quotes. */
  private separator(c: number): void {
    if (c === COMMA) {
      this.begin();
      this.endField();
      this.state = State.FieldStart;
      return;
    }
    if (this.recordStarted) this.endRecord();
    this.state = State.FieldStart;
    this.line += 1;
    if (c === CR) this.afterCR = true;
  }

  private begin(): void {
    if (this.recordStarted) return;
    this.recordStarted = true;
    this.recordLine = this.line;
  }

  private append(chunk: string, from: number, to: number): void {
    const room = this.maxFieldLength - this.field.length;
    if (to - from > room) {
      this.flag(`a field longer than ${this.maxFieldLength} characters`);
      to = from + room;
    }
    if (to > from) this.field += chunk.slice(from, to);
  }

  private endField(): void {
    if (this.fields.length < this.maxFields) this.fields.push(this.field);
    else this.flag(`more than ${this.maxFields} fields`);
    this.field = '';
  }

  private endRecord(): void {
    this.endField();
    this.out.push(this.error === undefined ? { line: this.recordLine, fields: this.fields } : { line: this.recordLine, fields: this.fields, error: this.error });
    this.fields = [];
    this.error = undefined;
    this.recordStarted = false;
  }

  /** Keeps the first problem of a record: later ones usually follow from it. */
  private flag(message: string): void {
    this.error ??= message;
  }
}

/** Records of a text stream (e.g. `fs.createReadStream(file, 'utf8')`), one at a time. */
export async function* readCsv(source: AsyncIterable<string | Buffer>, options: CsvParserOptions = {}): AsyncGenerator<CsvRecord> {
  const parser = new CsvParser(options);
  // A multi-byte character can straddle two chunks: the decoder keeps its first bytes until the rest arrive.
  const decoder = new StringDecoder('utf8');
  for await (const chunk of source) yield* parser.push(typeof chunk === 'string' ? chunk : decoder.write(chunk));
  yield* parser.push(decoder.end());
  yield* parser.end();
}

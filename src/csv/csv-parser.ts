import { isUtf8 } from 'node:buffer';

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
  /** The field (0-based) the error is in, when it is one field's (bytes that are not UTF-8). */
  errorField?: number;
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
  private errorField?: number;
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

  /**
   * Bytes that are not UTF-8 where the next character would be: the record is flagged, naming the
   * field, and the bytes count as one character (U+FFFD) so the rest of the line reads as usual.
   */
  invalidBytes(bytes: Uint8Array): CsvRecord[] {
    this.begin();
    const hex = Array.from(bytes, (b) => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`).join(' ');
    this.flag(`${hex} is not UTF-8 text (the file seems to be in another encoding, such as Latin-1): save it as UTF-8`, this.fields.length);
    return this.push('\uFFFD');
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
    const record: CsvRecord = { line: this.recordLine, fields: this.fields };
    if (this.error !== undefined) record.error = this.error;
    if (this.errorField !== undefined) record.errorField = this.errorField;
    this.out.push(record);
    this.fields = [];
    this.error = undefined;
    this.errorField = undefined;
    this.recordStarted = false;
  }

  /** Keeps the first problem of a record: later ones usually follow from it. */
  private flag(message: string, field?: number): void {
    if (this.error !== undefined) return;
    this.error = message;
    this.errorField = field;
  }
}

/**
 * Records of a byte stream (a file, stdin), one at a time. The bytes must be UTF-8: a byte that is
 * not (a Latin-1 `é`, say) flags its record, naming the field, rather than becoming U+FFFD in the
 * stored text. Text chunks are taken as they are.
 */
export async function* readCsv(source: AsyncIterable<string | Buffer>, options: CsvParserOptions = {}): AsyncGenerator<CsvRecord> {
  const parser = new CsvParser(options);
  // A multi-byte character can straddle two chunks: its first bytes wait for the rest.
  let pending: Buffer = Buffer.alloc(0);
  for await (const chunk of source) {
    if (typeof chunk === 'string') {
      yield* parser.push(chunk);
      continue;
    }
    const bytes = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
    const whole = bytes.length - incompleteTail(bytes);
    yield* decodeInto(parser, bytes.subarray(0, whole));
    pending = Buffer.from(bytes.subarray(whole));
  }
  // The file ends in the middle of a character.
  if (pending.length > 0) yield* parser.invalidBytes(pending);
  yield* parser.end();
}

/** Feeds UTF-8 bytes to the parser, flagging each sequence that is not UTF-8. */
function* decodeInto(parser: CsvParser, bytes: Buffer): Generator<CsvRecord> {
  // The usual case, a valid chunk, is checked at native speed.
  if (isUtf8(bytes)) {
    yield* parser.push(bytes.toString('utf8'));
    return;
  }
  let start = 0;
  while (start < bytes.length) {
    const bad = firstInvalid(bytes, start);
    if (bad === -1) {
      yield* parser.push(bytes.toString('utf8', start));
      return;
    }
    yield* parser.push(bytes.toString('utf8', start, bad));
    yield* parser.invalidBytes(bytes.subarray(bad, bad + 1));
    start = bad + 1;
  }
}

/** The length of a character begun in the last bytes but not finished there (0 to 3 bytes). */
function incompleteTail(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back += 1) {
    const byte = bytes[bytes.length - back];
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return length > back ? back : 0;
  }
  return 0;
}

/** Where the first byte that does not begin a valid UTF-8 character is, from `start`; -1 when none. */
function firstInvalid(bytes: Uint8Array, start: number): number {
  let i = start;
  while (i < bytes.length) {
    const lead = bytes[i];
    if (lead < 0x80) {
      i += 1;
      continue;
    }
    // The length of the sequence and the range of its second byte (no overlong forms, no surrogates, nothing past U+10FFFF).
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) length = 2;
    else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      if (lead === 0xe0) low = 0xa0;
      if (lead === 0xed) high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      if (lead === 0xf0) low = 0x90;
      if (lead === 0xf4) high = 0x8f;
    } else return i;
    if (i + length > bytes.length || bytes[i + 1] < low || bytes[i + 1] > high) return i;
    for (let k = 2; k < length; k += 1) if ((bytes[i + k] & 0xc0) !== 0x80) return i;
    i += length;
  }
  return -1;
}

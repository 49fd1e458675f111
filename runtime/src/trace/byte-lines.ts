// Splits a file's bytes, read in chunks, into lines ('\n'; a '\r' before it
// stays). Lines stay bytes until someone needs them as text: the signal-line
// scanner reads them in place, and only what it leaves is decoded. UTF-8
// never has a '\n' byte inside a character, so decoding whole lines is exact.

const NEWLINE = 10;

export class ByteLines {
  private buf: Buffer;
  /** unconsumed bytes are buf[pos, len) */
  private pos = 0;
  private len = 0;
  ended = false;

  constructor(chunkSize: number) {
    this.buf = Buffer.allocUnsafe(2 * chunkSize);
  }

  /** The buffer the lines of `region` lie in (valid until the next `room`). */
  get bytes(): Buffer {
    return this.buf;
  }

  /**
   * Makes room for `size` more bytes after the unconsumed ones, moving them
   * to the front (or to a larger buffer for long lines); returns where to
   * read into.
   */
  room(size: number): { buffer: Buffer; offset: number } {
    const held = this.len - this.pos;
    if (held + size > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(2 * this.buf.length, held + size));
      this.buf.copy(bigger, 0, this.pos, this.len);
      this.buf = bigger;
    } else if (this.pos > 0) {
      this.buf.copyWithin(0, this.pos, this.len);
    }
    this.pos = 0;
    this.len = held;
    return { buffer: this.buf, offset: held };
  }

  /** `n` bytes were read where `room` said. */
  filled(n: number): void {
    this.len += n;
  }

  end(): void {
    this.ended = true;
  }

  /** All whole lines held, as [start, end) of `bytes` without the last newline; undefined when there are none. */
  region(): { start: number; end: number } | undefined {
    if (this.len <= this.pos) return undefined;
    const end = this.buf.lastIndexOf(NEWLINE, this.len - 1);
    if (end < this.pos) return undefined;
    const start = this.pos;
    this.pos = end + 1;
    return { start, end };
  }

  /** The next whole line as text, the rest at the end of input, or undefined when more input is needed (or none is left). */
  next(): string | undefined {
    if (this.pos >= this.len) return undefined;
    const nl = this.buf.indexOf(NEWLINE, this.pos);
    if (nl >= 0 && nl < this.len) {
      const line = this.buf.toString("utf8", this.pos, nl);
      this.pos = nl + 1;
      return line;
    }
    if (!this.ended) return undefined;
    const rest = this.buf.toString("utf8", this.pos, this.len);
    this.pos = this.len;
    return rest;
  }
}

/**
 * The protobuf wire format, as the OTLP encoder needs it: a writer that
 * puts a nested message's length in front once the message is written,
 * and a reader of fields for the answers.
 *
 * @module
 */
// Wire types.
/** Varint wire type. */
export const VARINT = 0;
/** 64-bit wire type. */
export const FIXED64 = 1;
/** Length-delimited wire type. */
export const BYTES = 2;

/** A field's key: its number and wire type. */
export const tag = (field: number, wire: number): number => (field << 3) | wire;

const utf8 = new TextEncoder();

/** A growing buffer written front to back; a nested message's length is put in front once known. */
export class Writer {
  bytes = new Uint8Array(64 * 1024);
  view = new DataView(this.bytes.buffer);
  pos = 0;

  room(n: number): void {
    if (this.pos + n <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.pos + n) size *= 2;
    const grown = new Uint8Array(size);
    // Whole: content written ahead of `pos` (a string or message not yet closed) is kept.
    grown.set(this.bytes);
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }

  byte(value: number): void {
    this.room(1);
    this.bytes[this.pos++] = value;
  }

  /** An unsigned varint of a non-negative safe integer. */
  varint(value: number): void {
    this.room(10);
    while (value > 0x7f) {
      this.bytes[this.pos++] = (value % 128) | 0x80;
      value = Math.floor(value / 128);
    }
    this.bytes[this.pos++] = value;
  }

  /** An int64 varint: negative values as their 64-bit two's complement. */
  int64(value: number): void {
    if (value >= 0 && value <= Number.MAX_SAFE_INTEGER) return this.varint(value);
    let big = BigInt.asUintN(64, BigInt(value));
    this.room(10);
    while (big > 0x7fn) {
      this.bytes[this.pos++] = Number(big & 0x7fn) | 0x80;
      big >>= 7n;
    }
    this.bytes[this.pos++] = Number(big);
  }

  fixed64(value: bigint): void {
    this.room(8);
    this.view.setBigUint64(this.pos, value, true);
    this.pos += 8;
  }

  double(value: number): void {
    this.room(8);
    this.view.setFloat64(this.pos, value, true);
    this.pos += 8;
  }

  raw(bytes: Uint8Array): void {
    this.room(bytes.length);
    this.bytes.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** A string field: its tag, its UTF-8 length and bytes. */
  string(field: number, text: string): void {
    this.byte(tag(field, BYTES));
    // Written one byte after the position the length takes when short, moved when it is not.
    this.room(text.length * 3 + 10);
    const start = this.pos + 1;
    const { written } = utf8.encodeInto(text, this.bytes.subarray(start));
    this.#length(start, written);
  }

  /** Opens a nested message of field `field`; returns where its content starts. */
  open(field: number): number {
    this.byte(tag(field, BYTES));
    this.room(1);
    this.pos += 1;
    return this.pos;
  }

  /** Closes the nested message whose content started at `start`. */
  close(start: number): void {
    this.#length(start, this.pos - start);
  }

  /** Writes `length` in the byte before `start`, moving the content when it needs more. */
  #length(start: number, length: number): void {
    if (length < 0x80) {
      this.bytes[start - 1] = length;
      this.pos = start + length;
      return;
    }
    let size = 1;
    for (let rest = length; rest > 0x7f; rest = Math.floor(rest / 128)) size++;
    this.room(size);
    this.bytes.copyWithin(start - 1 + size, start, start + length);
    this.pos = start - 1;
    this.varint(length);
    this.pos += length;
  }

  done(): Uint8Array<ArrayBuffer> {
    return this.bytes.slice(0, this.pos);
  }
}

/** Reads a varint at `at`; its value and where the next field starts. */
function readVarint(bytes: Uint8Array, at: number): [bigint, number] {
  let value = 0n;
  let shift = 0n;
  for (let i = at; i < bytes.length && shift < 70n; i++) {
    value |= BigInt(bytes[i]! & 0x7f) << shift;
    shift += 7n;
    if (bytes[i]! < 0x80) return [value, i + 1];
  }
  throw new RangeError("a varint runs past the end of the message");
}

/** The fields of a message: number, wire type and value (bytes or integer). */
export function* fieldsOf(bytes: Uint8Array): Generator<[number, number, bigint | Uint8Array]> {
  let at = 0;
  while (at < bytes.length) {
    const [key, next] = readVarint(bytes, at);
    const field = Number(key >> 3n);
    const wire = Number(key & 7n);
    at = next;
    if (wire === VARINT) {
      const [value, after] = readVarint(bytes, at);
      at = after;
      yield [field, wire, value];
    } else if (wire === BYTES) {
      const [length, after] = readVarint(bytes, at);
      const end = after + Number(length);
      if (end > bytes.length) throw new RangeError("a field runs past the end of the message");
      yield [field, wire, bytes.subarray(after, end)];
      at = end;
    } else if (wire === FIXED64) {
      if (at + 8 > bytes.length) throw new RangeError("a fixed64 runs past the end of the message");
      yield [field, wire, bytes.subarray(at, at + 8)];
      at += 8;
    } else if (wire === 5) at += 4;
    else throw new RangeError(`wire type ${wire} is not protobuf's`);
  }
}

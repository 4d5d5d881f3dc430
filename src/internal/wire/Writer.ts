/**
 * A growable big-endian byte writer for SQLI messages.
 *
 * Every SQLI integer is big-endian and every variable-length run is padded to an even length; this writer offers
 * exactly the primitive forms SQLI.md §1.2 names (char, lchar, lpstr0, fixed-N, padded blob) so encoders read like
 * the layouts in the spec.
 *
 * @internal
 */

const textEncoder = new TextEncoder()

/** @internal */
export class Writer {
  private buffer: Uint8Array
  private view: DataView
  /** Number of bytes written so far. */
  length = 0

  constructor(initialCapacity = 256) {
    this.buffer = new Uint8Array(initialCapacity)
    this.view = new DataView(this.buffer.buffer)
  }

  /** Bytes the buffer holds before it must grow. */
  get capacity(): number {
    return this.buffer.length
  }

  /** Starts over, keeping the buffer (for a writer reused across messages). */
  reset(): void {
    this.length = 0
  }

  private ensure(extra: number): void {
    const needed = this.length + extra
    if (needed <= this.buffer.length) return
    let capacity = this.buffer.length * 2
    while (capacity < needed) capacity *= 2
    const next = new Uint8Array(capacity)
    next.set(this.buffer.subarray(0, this.length))
    this.buffer = next
    this.view = new DataView(next.buffer)
  }

  u8(value: number): this {
    this.ensure(1)
    this.buffer[this.length++] = value & 0xff
    return this
  }

  i16(value: number): this {
    this.ensure(2)
    this.view.setInt16(this.length, value)
    this.length += 2
    return this
  }

  u16(value: number): this {
    this.ensure(2)
    this.view.setUint16(this.length, value)
    this.length += 2
    return this
  }

  i32(value: number): this {
    this.ensure(4)
    this.view.setInt32(this.length, value)
    this.length += 4
    return this
  }

  u32(value: number): this {
    this.ensure(4)
    this.view.setUint32(this.length, value)
    this.length += 4
    return this
  }

  i64(value: bigint): this {
    this.ensure(8)
    this.view.setBigInt64(this.length, value)
    this.length += 8
    return this
  }

  f32(value: number): this {
    this.ensure(4)
    this.view.setFloat32(this.length, value)
    this.length += 4
    return this
  }

  f64(value: number): this {
    this.ensure(8)
    this.view.setFloat64(this.length, value)
    this.length += 8
    return this
  }

  /** Raw bytes, no length and no pad. */
  bytes(value: Uint8Array): this {
    this.ensure(value.length)
    this.buffer.set(value, this.length)
    this.length += value.length
    return this
  }

  /** One zero byte when `n` is odd (SQLI keeps the stream 2-byte aligned). */
  padFor(n: number): this {
    return n % 2 === 1 ? this.u8(0) : this
  }

  /** Raw bytes followed by a pad byte when their length is odd ("padded blob"). */
  padded(value: Uint8Array): this {
    return this.bytes(value).padFor(value.length)
  }

  /** `u16 n`, n bytes, pad if n is odd ("char"). */
  char(value: Uint8Array | string): this {
    const bytes = typeof value === "string" ? latin1(value) : value
    return this.u16(bytes.length).padded(bytes)
  }

  /** `i32 n`, n bytes, pad if n is odd ("lchar"). */
  lchar(value: Uint8Array): this {
    return this.i32(value.length).padded(value)
  }

  /** `u16 n+1`, n bytes, NUL — the login PDU's string form ("lpstr0"); `undefined` writes `00 00` (absent). */
  lpstr0(value: string | undefined): this {
    if (value === undefined) return this.u16(0)
    const bytes = latin1(value)
    return this.u16(bytes.length + 1).bytes(bytes).u8(0)
  }

  /** Exactly `n` bytes, NUL-padded ("fixed-N"). */
  fixed(value: string, n: number): this {
    const bytes = latin1(value)
    this.ensure(n)
    this.buffer.fill(0, this.length, this.length + n)
    this.buffer.set(bytes.subarray(0, n), this.length)
    this.length += n
    return this
  }

  /** Overwrite a u16 at an earlier offset (length fields known only at the end). */
  patchU16(offset: number, value: number): this {
    this.view.setUint16(offset, value)
    return this
  }

  /** A copy of the written bytes. */
  toBytes(): Uint8Array {
    return this.buffer.slice(0, this.length)
  }
}

/** Protocol identifiers are ASCII/Latin-1 (SQLI.md §1.2): one byte per UTF-16 code unit, low 8 bits. */
export const latin1 = (value: string): Uint8Array => {
  const out = new Uint8Array(value.length)
  for (let i = 0; i < value.length; i++) out[i] = value.charCodeAt(i) & 0xff
  return out
}

/** UTF-8 bytes of a string (for UTF-8 code sets without going through iconv). */
export const utf8 = (value: string): Uint8Array => textEncoder.encode(value)

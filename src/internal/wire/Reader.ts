/**
 * A big-endian byte reader that never throws.
 *
 * SQLI has no framing after login, so the incremental decoder must try to parse a message from whatever bytes have
 * arrived. Instead of exceptions (which the library style forbids on hot paths) this reader is "sticky": a read past
 * the end sets `short` and records how many bytes would have been needed, and a malformed field sets `error`. Callers
 * parse a whole message, then look at the flags once.
 *
 * @internal
 */

/**
 * Bytes → string, one char per byte (true ISO-8859-1). Not `TextDecoder("latin1")`: the WHATWG Encoding standard maps
 * that label to windows-1252, which turns 0x80–0x9f into other code points (0x82 → U+201A) and breaks the lossless
 * per-byte round trip protocol identifiers rely on.
 */
export const latin1String = (bytes: Uint8Array): string => {
  let out = ""
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as Array<number>)
  }
  return out
}

/** @internal */
export class Reader {
  /**
   * Made on the first read that needs it (64-bit and floating-point fields): 8- to 32-bit integers are read from the
   * bytes, so a reader re-pointed at each new socket chunk (`reset`) costs no `DataView` per chunk.
   */
  private dataView: DataView | undefined = undefined
  /** Read position (absolute offset into `bytes`). */
  pos: number
  /** True once a read went past `end`: the message is incomplete. */
  short = false
  /** Smallest `end` that would have satisfied the failing read (meaningful when `short`). */
  need = 0
  /** First malformed-input description, if any. */
  error: string | undefined = undefined

  bytes: Uint8Array
  end: number

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.bytes = bytes
    this.end = end
    this.pos = start
  }

  private get view(): DataView {
    return this.dataView ??= new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength)
  }

  /**
   * Re-point this reader at `bytes[start, end)` and clear its flags. Lets an incremental decoder reuse one reader for
   * every message instead of allocating one per message (its DataView, if one was made, is kept for the same bytes).
   */
  reset(bytes: Uint8Array, start: number, end: number): void {
    if (bytes !== this.bytes) {
      this.bytes = bytes
      this.dataView = undefined
    }
    this.end = end
    this.pos = start
    this.short = false
    this.need = 0
    this.error = undefined
  }

  /** True when the reader is still healthy (not short, no error). */
  get ok(): boolean {
    return !this.short && this.error === undefined
  }

  get remaining(): number {
    return this.end - this.pos
  }

  /** Reserve `n` bytes; false (and `short` set) if they are not there yet. */
  take(n: number): boolean {
    if (!this.ok) return false
    if (n < 0) {
      this.fail(`negative length ${n}`)
      return false
    }
    if (this.pos + n > this.end) {
      this.short = true
      this.need = this.pos + n
      return false
    }
    return true
  }

  fail(message: string): void {
    if (this.error === undefined) this.error = message
  }

  u8(): number {
    if (!this.take(1)) return 0
    return this.bytes[this.pos++]!
  }

  i16(): number {
    if (!this.take(2)) return 0
    const b = this.bytes
    const p = this.pos
    this.pos = p + 2
    return ((b[p]! << 24) >> 16) | b[p + 1]!
  }

  u16(): number {
    if (!this.take(2)) return 0
    const b = this.bytes
    const p = this.pos
    this.pos = p + 2
    return (b[p]! << 8) | b[p + 1]!
  }

  i32(): number {
    if (!this.take(4)) return 0
    const b = this.bytes
    const p = this.pos
    this.pos = p + 4
    return (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!
  }

  u32(): number {
    return this.i32() >>> 0
  }

  i64(): bigint {
    if (!this.take(8)) return 0n
    const v = this.view.getBigInt64(this.pos)
    this.pos += 8
    return v
  }

  f32(): number {
    if (!this.take(4)) return 0
    const v = this.view.getFloat32(this.pos)
    this.pos += 4
    return v
  }

  f64(): number {
    if (!this.take(8)) return 0
    const v = this.view.getFloat64(this.pos)
    this.pos += 8
    return v
  }

  /** A view (not a copy) of the next `n` bytes. */
  bytesView(n: number): Uint8Array {
    if (!this.take(n)) return EMPTY
    const v = this.bytes.subarray(this.pos, this.pos + n)
    this.pos += n
    return v
  }

  /** A copy of the next `n` bytes (safe to keep after the decoder's buffer is reused). */
  bytesCopy(n: number): Uint8Array {
    return this.bytesView(n).slice()
  }

  skip(n: number): void {
    if (this.take(n)) this.pos += n
  }

  /** Skip the pad byte that follows an odd-length run. */
  padFor(n: number): void {
    if (n % 2 === 1) this.skip(1)
  }

  /**
   * `n` bytes then a pad byte if `n` is odd, for bytes that are never written again; returns a plain `Uint8Array`
   * (not the Buffer subclass a `subarray` of a socket's chunk would construct): a view of them, or a copy when the
   * bytes are read from a chunk of at most 64 bytes.
   */
  paddedView(n: number): Uint8Array {
    if (!this.take(n)) return EMPTY
    const bytes = this.bytes
    let v: Uint8Array
    if (bytes.byteLength <= IN_HEAP_MAX) {
      // V8 keeps a typed array this small (a one-row reply's socket chunk) in its own heap, and the first read of its
      // `.buffer` moves it out to a malloc'd backing store: about 0.2 µs more than this copy, and more GC work.
      v = new Uint8Array(n)
      for (let i = 0, at = this.pos; i < n; i++, at++) v[i] = bytes[at]!
    } else {
      v = new Uint8Array(bytes.buffer, bytes.byteOffset + this.pos, n)
    }
    this.pos += n
    this.padFor(n)
    return v
  }

  /** `n` bytes then a pad byte if `n` is odd; returns a copy. */
  padded(n: number): Uint8Array {
    const v = this.bytesCopy(n)
    this.padFor(n)
    return v
  }

  /** "char": `u16 n`, n bytes, pad if odd — as raw bytes. */
  charBytes(max: number): Uint8Array {
    const n = this.u16()
    if (n > max) {
      this.fail(`string length ${n} exceeds limit ${max}`)
      return EMPTY
    }
    return this.padded(n)
  }

  /** "char" decoded as Latin-1 (protocol identifiers). */
  char(max = 0x7fff): string {
    return latin1String(this.charBytes(max))
  }

  /** "lpstr0": `u16 n+1`, n bytes, NUL; `00 00` reads as `undefined` (absent). */
  lpstr0(max = 0x7fff): string | undefined {
    const n = this.u16()
    if (n === 0) return undefined
    if (n > max) {
      this.fail(`string length ${n} exceeds limit ${max}`)
      return undefined
    }
    const bytes = this.bytesView(n)
    if (!this.ok) return undefined
    const body = bytes[n - 1] === 0 ? bytes.subarray(0, n - 1) : bytes
    return latin1String(body)
  }

  /** "fixed-N": exactly N bytes, trailing NULs stripped. */
  fixed(n: number): string {
    const bytes = this.bytesView(n)
    let len = bytes.length
    while (len > 0 && bytes[len - 1] === 0) len--
    return latin1String(bytes.subarray(0, len))
  }
}

const EMPTY = new Uint8Array(0)

/** V8's largest typed array kept in its heap (`--typed-array-max-size-in-heap`, 64 bytes by default). */
const IN_HEAP_MAX = 64

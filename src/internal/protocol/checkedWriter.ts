/**
 * A Writer that validates every value against its wire width before writing it.
 *
 * DataView silently wraps out-of-range integers (70000 as a u16 becomes 4464), which would desynchronise the peer. The
 * library never throws, so instead of exceptions the first violation is recorded ("sticky", like `Reader`) and the
 * encoder turns it into a `ProtocolCodecError` once the message is written.
 *
 * @internal
 */
import { latin1, Writer } from "../wire/Writer.ts"

export class CheckedWriter {
  readonly out = new Writer(256)
  error: string | undefined = undefined
  /** Opcode of the message being written (for the error). */
  opcode: number | undefined = undefined

  /** Starts over, keeping the buffer. */
  reset(): void {
    this.out.reset()
    this.error = undefined
    this.opcode = undefined
  }

  fail(message: string): void {
    if (this.error === undefined) this.error = message
  }

  private int(value: number, min: number, max: number, field: string): boolean {
    if (!Number.isInteger(value) || value < min || value > max) {
      this.fail(`${field} = ${value} does not fit [${min}, ${max}]`)
      return false
    }
    return true
  }

  u8(value: number, field: string): this {
    if (this.int(value, 0, 0xff, field)) this.out.u8(value)
    return this
  }

  u16(value: number, field: string): this {
    if (this.int(value, 0, 0xffff, field)) this.out.u16(value)
    return this
  }

  i16(value: number, field: string): this {
    if (this.int(value, -0x8000, 0x7fff, field)) this.out.i16(value)
    return this
  }

  /** A 16-bit field written by some clients as signed and by others as unsigned: accept both ranges. */
  s16(value: number, field: string): this {
    if (this.int(value, -0x8000, 0xffff, field)) this.out.u16(value & 0xffff)
    return this
  }

  i32(value: number, field: string): this {
    if (this.int(value, -0x80000000, 0x7fffffff, field)) this.out.i32(value)
    return this
  }

  u32(value: number, field: string): this {
    if (this.int(value, 0, 0xffffffff, field)) this.out.u32(value)
    return this
  }

  /** 32-bit field accepted signed or unsigned. */
  s32(value: number, field: string): this {
    if (this.int(value, -0x80000000, 0xffffffff, field)) this.out.u32(value >>> 0)
    return this
  }

  i64(value: bigint, field: string): this {
    if (value < -(2n ** 63n) || value >= 2n ** 63n) this.fail(`${field} = ${value} does not fit i64`)
    else this.out.i64(value)
    return this
  }

  /** i64 from a JS number (row counts): must be a safe integer. */
  i64n(value: number, field: string): this {
    if (!Number.isSafeInteger(value)) {
      this.fail(`${field} = ${value} is not a safe integer`)
      return this
    }
    return this.i64(BigInt(value), field)
  }

  bytes(value: Uint8Array): this {
    this.out.bytes(value)
    return this
  }

  padded(value: Uint8Array): this {
    this.out.padded(value)
    return this
  }

  /** Latin-1 bytes of a protocol identifier; chars above U+00FF cannot be represented. */
  latin1(value: string, field: string): Uint8Array {
    for (let i = 0; i < value.length; i++) {
      if (value.charCodeAt(i) > 0xff) {
        this.fail(`${field} contains a character outside Latin-1 (use its bytes as a per-byte string)`)
        break
      }
    }
    return latin1(value)
  }

  /** "char": `u16 n`, bytes, pad. */
  char(value: string | Uint8Array, field: string): this {
    const bytes = typeof value === "string" ? this.latin1(value, field) : value
    this.u16(bytes.length, `${field}.length`)
    return this.padded(bytes)
  }

  /** SQL text: `i32 n` (or `u16 n` under narrow framing), bytes, pad. */
  sqlText(value: Uint8Array, wide: boolean, field: string): this {
    if (wide) this.i32(value.length, `${field}.length`)
    else this.u16(value.length, `${field}.length`)
    return this.padded(value)
  }

  /** lpstr0: `u16 n+1`, bytes, NUL; undefined → `00 00`. */
  lpstr0(value: string | undefined, field: string): this {
    if (value === undefined) return this.u16(0, field)
    const bytes = this.latin1(value, field)
    this.u16(bytes.length + 1, `${field}.length`)
    this.out.bytes(bytes).u8(0)
    return this
  }

  /** fixed-N: exactly n bytes NUL-padded; a longer value is an error (it would be truncated silently). */
  fixed(value: string, n: number, field: string): this {
    const bytes = this.latin1(value, field)
    if (bytes.length > n) this.fail(`${field} is longer than its fixed ${n} bytes`)
    this.out.fixed(value, n)
    return this
  }

  get length(): number {
    return this.out.length
  }
}

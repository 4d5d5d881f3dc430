/**
 * Numbers made from 32-bit words through one 8-byte scratch buffer, for the row decoder's FLOAT, SMALLFLOAT and
 * BIGINT values: typed-array element reads and writes are inlined in optimised code, so a FLOAT read from two words
 * needs no per-byte copy and no DataView call (Node 26). The words go where the platform's 64-bit values keep them
 * (low word first on little-endian platforms).
 *
 * A BigInt read from a `BigInt64Array` (or `DataView.getBigInt64`) costs 40 allocated bytes against 24 for
 * `BigInt(number)`, for about 8 ns less CPU: BIGINT, which read through a DataView before, keeps it. The 16 extra
 * bytes are allocated, not kept: a BigInt of one 64-bit digit retains the same heap either way (measured with
 * `heapUsed` after a full GC, Node 26), so DECIMAL and INT8 take an inline path too, {@link bigIntOf}, whose
 * BigInts are allocated the same way.
 */

const scratch = new ArrayBuffer(8)
const words = new Uint32Array(scratch)
const signedWords = new Int32Array(scratch)
const int64 = new BigInt64Array(scratch)
const float64 = new Float64Array(scratch)
const float32 = new Float32Array(scratch, 0, 1)

/** Whether the low word of a 64-bit value is element 0 of its two 32-bit words (little-endian platforms). */
const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1
const LOW = littleEndian ? 0 : 1
const HIGH = littleEndian ? 1 : 0

/**
 * The int64 `high * 2^32 + low`: `high` a signed 32-bit word, `low` the low word (signed or unsigned, only its
 * 32 bits count; a signed one stays a small integer when the call is not inlined).
 */
export const bigIntFromWords = (high: number, low: number): bigint => {
  words[LOW] = low
  signedWords[HIGH] = high
  return int64[0]!
}

/** The IEEE double whose big-endian bytes are the words `high`, `low`. */
export const float64FromWords = (high: number, low: number): number => {
  words[LOW] = low
  words[HIGH] = high
  return float64[0]!
}

/** The IEEE single whose bytes are the word `word`. */
export const float32FromWord = (word: number): number => {
  words[0] = word
  return float32[0]!
}

/**
 * `BigInt(n)` for an integral double `n` (the caller's guarantee), through V8's inline int32 conversion when `n`
 * fits in 32 bits: `BigInt(n | 0)` is typed int32 in optimised code and needs no call into the runtime, where
 * `BigInt(n)` of a double does (Node 26: 8 ns against 19 per value). Larger values take `BigInt(n)`.
 */
export const bigIntOf = (n: number): bigint => (n === (n | 0) ? BigInt(n | 0) : BigInt(n))

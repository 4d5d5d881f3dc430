/**
 * Urgent-byte detection underneath TLS.
 *
 * A client interrupts a statement by sending one byte 0x42 as TCP urgent data (SQLI.md §8.12). With SO_OOBINLINE the
 * byte lands inline in the TCP stream; on a TLS listener that stream is a sequence of TLS records, and the byte sits
 * between two records (the client sent it after a complete write). A TLS record starts with its content type, which is
 * 20..24 (RFC 8446 §5.1, RFC 6347); 0x42 is never one, so a 0x42 where a record header would start is the urgent byte.
 * This filter walks record boundaries on the raw TCP bytes, removes such bytes, reports them, and passes everything
 * else on unchanged to the TLS layer.
 *
 * @internal
 */

const URGENT_BYTE = 0x42
const RECORD_HEADER = 5

export class TlsRecordFilter {
  /** Bytes of the current record (header included) still to pass through before the next boundary. */
  private remainingInRecord = 0
  /** A partial record header (fewer than 5 bytes seen so far). */
  private header: Array<number> = []
  private readonly onUrgent: () => void

  constructor(onUrgent: () => void) {
    this.onUrgent = onUrgent
  }

  /** Returns the chunk without urgent bytes (the same array when nothing was removed). */
  filter(chunk: Uint8Array): Uint8Array {
    let removed: Array<number> | undefined
    let i = 0
    while (i < chunk.length) {
      if (this.remainingInRecord > 0) {
        const step = Math.min(this.remainingInRecord, chunk.length - i)
        this.remainingInRecord -= step
        i += step
        continue
      }
      const byte = chunk[i]!
      if (this.header.length === 0 && byte === URGENT_BYTE) {
        ;(removed ??= []).push(i)
        this.onUrgent()
        i++
        continue
      }
      this.header.push(byte)
      i++
      if (this.header.length === RECORD_HEADER) {
        const length = (this.header[3]! << 8) | this.header[4]!
        this.remainingInRecord = length
        this.header = []
      }
    }
    if (removed === undefined) return chunk
    const out = new Uint8Array(chunk.length - removed.length)
    let o = 0
    let r = 0
    for (let j = 0; j < chunk.length; j++) {
      if (r < removed.length && removed[r] === j) {
        r++
        continue
      }
      out[o++] = chunk[j]!
    }
    return out
  }
}

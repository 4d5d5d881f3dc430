/**
 * The session layer's bridge to the value codecs: engine rows → SQ_TUPLE payloads, SQ_BIND parameters → engine
 * values, and the BYTE/TEXT handles that let SQ_FETCHBLOB find the content a tuple's descriptor stands for.
 *
 * @internal
 */
import { BlobDescriptor } from "../../InformixValue.ts"
import type { BindValue } from "../protocol/messages.ts"
import type { Charset, ColumnInfo, Value } from "../values/index.ts"
import {
  charsetForLocale,
  decodeBind,
  encodeRow,
  isCodecFailure,
  latin1Charset,
  makeBlobDescriptorBytes
} from "../values/index.ts"
import type { EngineError } from "./engine/api.ts"

/** A conversion failure reported the way Informix reports bad values: −1213 "character to numeric conversion". */
const conversionError = (message: string): EngineError => ({
  _tag: "EngineError",
  sqlcode: -1213,
  isamCode: 0,
  offset: 0,
  parameter: message
})

/**
 * The wire code set: the DB_LOCALE the client declares, else its CLIENT_LOCALE, else en_US.8859-1 (VALUES.md §11.1:
 * data travels in the database code set; a client without DB_LOCALE assumes it equals CLIENT_LOCALE). The test
 * server adopts the client's declaration instead of rejecting a mismatch.
 */
export const charsetForSession = (dbLocale: string | undefined, clientLocale: string | undefined): Charset => {
  const locale = dbLocale ?? clientLocale
  return (locale === undefined ? undefined : charsetForLocale(locale)) ?? latin1Charset
}

/**
 * BYTE/TEXT contents of open cursors, keyed by a handle the server writes into the descriptors it sends. VALUES.md
 * §8.15 leaves the descriptor bytes other than the size (16..19) and the NULL flag (39) to the server; we put a
 * 32-bit handle at 0..3 and the owning statement id at 4..5. Handles die with their cursor (descriptors are invalid
 * after CLOSE, SQLI.md §7.16).
 */
export interface BlobStore {
  register(statementId: number, content: Uint8Array, type: number): BlobDescriptor
  lookup(descriptor: Uint8Array): Uint8Array | undefined
  release(statementId: number): void
  readonly size: number
}

export const makeBlobStore = (): BlobStore => {
  const contents = new Map<number, { readonly statementId: number; readonly content: Uint8Array }>()
  let next = 1
  return {
    register(statementId, content, type) {
      const handle = next++
      contents.set(handle, { statementId, content })
      const bytes = makeBlobDescriptorBytes(content.length)
      const view = new DataView(bytes.buffer)
      view.setUint32(0, handle)
      view.setUint16(4, statementId)
      return new BlobDescriptor(type, bytes)
    },
    lookup(descriptor) {
      if (descriptor.length < 8) return undefined
      const handle = new DataView(descriptor.buffer, descriptor.byteOffset, descriptor.length).getUint32(0)
      return contents.get(handle)?.content
    },
    release(statementId) {
      for (const [handle, entry] of contents) if (entry.statementId === statementId) contents.delete(handle)
    },
    get size() {
      return contents.size
    }
  }
}

/** Encodes one engine row as an SQ_TUPLE payload; BYTE/TEXT values become registered descriptors. */
export const encodeRowPayload = (
  columns: ReadonlyArray<ColumnInfo>,
  row: ReadonlyArray<Value>,
  charset: Charset,
  blobs: BlobStore,
  statementId: number
): Uint8Array | EngineError => {
  let values = row
  for (let i = 0; i < columns.length; i++) {
    const code = columns[i]!.columnType & 0xff
    if (code !== 11 && code !== 12) continue
    const value = row[i]
    if (value === null || value === undefined || value instanceof BlobDescriptor) continue
    const content = typeof value === "string" ? charset.encode(value) : value instanceof Uint8Array ? value : undefined
    if (content === undefined) continue
    if (values === row) values = [...row]
    ;(values as Array<Value>)[i] = blobs.register(statementId, content, code)
  }
  const payload = encodeRow(columns, values, { charset })
  return isCodecFailure(payload) ? conversionError(payload.message) : payload
}

/** Decodes bound parameters (BYTE/TEXT content already attached as `blob`). */
export const decodeBindParams = (
  params: ReadonlyArray<BindValue>,
  charset: Charset
): Array<Value> | EngineError => {
  const values: Array<Value> = []
  for (const param of params) {
    const value = decodeBind(param, { charset })
    if (isCodecFailure(value)) return conversionError(value.message)
    values.push(value)
  }
  return values
}

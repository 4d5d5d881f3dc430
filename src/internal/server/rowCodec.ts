/**
 * The session layer's bridge to the value codecs: engine rows → SQ_TUPLE payloads, SQ_BIND parameters → engine
 * values, and the BYTE/TEXT handles that let SQ_FETCHBLOB find the content a tuple's descriptor stands for.
 *
 * @internal
 */
import { BlobDescriptor, SmartLobLocator } from "../../InformixValue.ts"
import type { BindValue } from "../protocol/messages.ts"
import type { Charset, ColumnInfo, Value } from "../values/index.ts"
import { decodeBind, encodeRow, isCodecFailure, makeBlobDescriptorBytes } from "../values/index.ts"
import type { EngineError } from "./engine/api.ts"
import type { SmartLobStore } from "./smartLobStore.ts"

/** A conversion failure reported the way Informix reports bad values: −1213 "character to numeric conversion". */
const conversionError = (message: string): EngineError => ({
  _tag: "EngineError",
  sqlcode: -1213,
  isamCode: 0,
  offset: 0,
  parameter: message
})

const QUESTION = 0x3f
/** ASCII SUB (0x1A), the control character meant for "a character that cannot be represented". */
const SUBSTITUTE = "\u001a"

const questionMarks = (bytes: Uint8Array): number => {
  let n = 0
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === QUESTION) n++
  return n
}

/**
 * The database code set as the server uses it for replies: text that was decoded from this code set always encodes
 * back, but a value the engine computed (a function result, an invalid byte decoded as U+FFFD) might not; such a
 * character becomes SUB instead of failing the whole reply (VALUES.md §11.1: a database holds only what its code set
 * represents, so a real server never meets this case). The value codecs reject a `?` the code set substituted, hence
 * SUB rather than `?`.
 */
export const replyCharset = (charset: Charset): Charset => ({
  name: charset.name,
  ...(charset.codeSet === undefined ? {} : { codeSet: charset.codeSet }),
  decode: (bytes) => charset.decode(bytes),
  decodeRange: (bytes, start, end) => charset.decodeRange(bytes, start, end),
  encode: (text) => {
    const bytes = charset.encode(text)
    let expected = 0
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === QUESTION) expected++
    if (charset.name === "utf8" || questionMarks(bytes) === expected) return bytes
    let safe = ""
    for (const ch of text) safe += ch !== "?" && questionMarks(charset.encode(ch)) > 0 ? SUBSTITUTE : ch
    return charset.encode(safe)
  }
})

/**
 * BYTE/TEXT contents of open cursors, keyed by a handle the server writes into the descriptors it sends.
 *
 * The 56-byte descriptor follows the layout of Informix's tblob: tb_fd (0..1), tb_coloff (2..3), tb_tabid (4..7),
 * tb_start (8..11), tb_end (12..15), tb_size (16..19), tb_addr (20..23), …, NULL flag at 39 (VALUES.md §8.15). JDBC 15
 * reads the content range from tb_start..tb_end inclusive: with tb_end 0 it kept 1 byte and with tb_end = size it
 * kept size + 1, while tb_end = size − 1 round-trips exactly (black-box runs of the conformance peer); informix-driver
 * ignores both. The server's handle goes into tb_addr, the "blob address" a real server keeps there, and the owning
 * statement id into tb_tabid. Handles die with their cursor (descriptors are invalid after CLOSE, SQLI.md §7.16).
 */
const TB_TABID = 4
const TB_END = 12
const TB_ADDR = 20

export interface BlobStore {
  /** The open database's smart-LOB store (BLOB/CLOB columns hold locators into it). */
  readonly smartLobs: () => SmartLobStore | undefined
  /**
   * The types a client's SQ_RET_TYPE asked for, per statement id: BLOB/CLOB columns asked as 44 (SQLSENDRECV, what
   * JDBC always asks) get the raw 72-byte locator, others the 144 hex characters ifxdrv received from Informix 15
   * (JDBC-LOB.md §4.1, inferred switch).
   */
  readonly retTypes: Map<number, ReadonlyArray<number>>
  register(statementId: number, content: Uint8Array, type: number): BlobDescriptor
  lookup(descriptor: Uint8Array): Uint8Array | undefined
  release(statementId: number): void
  readonly size: number
}

export const makeBlobStore = (smartLobs: () => SmartLobStore | undefined = () => undefined): BlobStore => {
  const contents = new Map<number, { readonly statementId: number; readonly content: Uint8Array }>()
  const retTypes = new Map<number, ReadonlyArray<number>>()
  let next = 1
  return {
    smartLobs,
    retTypes,
    register(statementId, content, type) {
      const handle = next++
      contents.set(handle, { statementId, content })
      const bytes = makeBlobDescriptorBytes(content.length)
      const view = new DataView(bytes.buffer)
      view.setInt32(TB_TABID, statementId)
      view.setInt32(TB_END, content.length - 1)
      view.setUint32(TB_ADDR, handle)
      return new BlobDescriptor(type, bytes)
    },
    lookup(descriptor) {
      if (descriptor.length < TB_ADDR + 4) return undefined
      const handle = new DataView(descriptor.buffer, descriptor.byteOffset, descriptor.length).getUint32(TB_ADDR)
      return contents.get(handle)?.content
    },
    release(statementId) {
      retTypes.delete(statementId)
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
    const binary = ((blobs.retTypes.get(statementId)?.[i] ?? 0) & 0xff) === 44
    const locator = smartLobValue(columns[i]!, row[i], charset, blobs, binary)
    if (locator !== undefined) {
      if (values === row) values = [...row]
      ;(values as Array<Value>)[i] = locator
      continue
    }
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

/**
 * A BLOB/CLOB column's value as the locator a row carries. The row stores the locator a client bound (from
 * `ifx_lo_create`); content that went in inline (a literal, a Uint8Array or string bound straight into the column)
 * becomes an object of its own at each fetch, so every BLOB/CLOB value reaches the client as a locator it can read.
 */
const smartLobValue = (
  column: ColumnInfo,
  value: Value | undefined,
  charset: Charset,
  blobs: BlobStore,
  binary: boolean
): SmartLobLocator | Uint8Array | undefined => {
  if ((column.columnType & 0xff) !== 41 || (column.extendedId !== 10 && column.extendedId !== 11)) return undefined
  if (value === null || value === undefined || value instanceof SmartLobLocator) return undefined
  const store = blobs.smartLobs()
  const bytes = typeof value === "string" ? charset.encode(value) : value instanceof Uint8Array ? value : undefined
  if (store === undefined || bytes === undefined) return undefined
  let locator = store.find(bytes) === undefined ? undefined : bytes
  if (locator === undefined) {
    const created = store.create()
    created.content.write(0, bytes)
    locator = created.locator
  }
  if (binary) return locator
  return new SmartLobLocator(column.extendedId === 11 ? "CLOB" : "BLOB", Buffer.from(locator).toString("hex"))
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

/**
 * Change Data Capture records: what a read of a CDC session's smart-LO fd returns (IBM "Change Data Capture API",
 * record formats; read the way IBM JDBC 15's `CDCRecordBuilder` and `records/*` read them, JDBC-PAM-TRIGGERS-CDC.md
 * §3.4). Big-endian. A 16-byte common header — header size (16 + the record's own header), payload size, packet
 * scheme (66, CDC_PKTSCHEME_LRECBINARY), record type — then the record's own header, then the payload. One record per
 * read (JDBC parses from byte 0 and ignores what follows the first record).
 *
 * @internal
 */
import { ProtocolCodecError } from "./protocolCodecError.ts"

/** Record types (IBM CDC_REC_*; JDBC `cdc.Constants`). */
export const CdcRecordType = {
  BEGIN: 1,
  COMMIT: 2,
  ROLLBACK: 3,
  INSERT: 40,
  DELETE: 41,
  BEFORE_UPDATE: 42,
  AFTER_UPDATE: 43,
  DISCARD: 62,
  TRUNCATE: 119,
  TABSCHEMA: 200,
  TIMEOUT: 201,
  ERROR: 202
} as const

/** CDC_PKTSCHEME_LRECBINARY: the only packet scheme IBM documents (JDBC ignores the field). */
export const CDC_PACKET_SCHEME = 66

/** CDC_REC_ERROR flag 0x1: the session is dead, only cdc_closesess is allowed (IBM CDC API). */
export const CDC_ERROR_SESSION_DEAD = 0x1

export type CdcRecord =
  | {
    readonly _tag: "Begin"
    readonly seq: bigint
    readonly txid: number
    /** Seconds since 1970. */
    readonly time: bigint
    readonly userId: number
  }
  | { readonly _tag: "Commit"; readonly seq: bigint; readonly txid: number; readonly time: bigint }
  | { readonly _tag: "Rollback" | "Discard"; readonly seq: bigint; readonly txid: number }
  | {
    readonly _tag: "Row"
    /** 40 insert, 41 delete, 42 before update, 43 after update. */
    readonly type: 40 | 41 | 42 | 43
    readonly seq: bigint
    readonly txid: number
    /** The user data cdc_startcapture gave the table (its label). */
    readonly label: number
    /** The size of each variable-length column's value (IBM: in the header; JDBC skips them). */
    readonly varSizes: ReadonlyArray<number>
    readonly payload: Uint8Array
  }
  | { readonly _tag: "Truncate"; readonly seq: bigint; readonly txid: number; readonly label: number }
  | {
    readonly _tag: "TabSchema"
    readonly label: number
    readonly fixedBytes: number
    readonly fixedColumns: number
    readonly varColumns: number
    /** The CREATE TABLE-style column list (`id integer, name varchar(20,0)`). */
    readonly columns: string
  }
  | { readonly _tag: "Timeout"; readonly seq: bigint }
  | { readonly _tag: "Error"; readonly flags: number; readonly code: number }

const latin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff)

/** Encodes one record (the whole of one smart-LO read). */
export const encodeCdcRecord = (record: CdcRecord): Uint8Array => {
  let type: number
  let header: Array<["i32" | "i64", number | bigint]>
  let payload: Uint8Array = new Uint8Array(0)
  switch (record._tag) {
    case "Begin":
      type = CdcRecordType.BEGIN
      header = [["i64", record.seq], ["i32", record.txid], ["i64", record.time], ["i32", record.userId]]
      break
    case "Commit":
      type = CdcRecordType.COMMIT
      header = [["i64", record.seq], ["i32", record.txid], ["i64", record.time]]
      break
    case "Rollback":
    case "Discard":
      type = record._tag === "Rollback" ? CdcRecordType.ROLLBACK : CdcRecordType.DISCARD
      header = [["i64", record.seq], ["i32", record.txid]]
      break
    case "Row":
      type = record.type
      header = [
        ["i64", record.seq],
        ["i32", record.txid],
        ["i32", record.label],
        ["i32", 0],
        ...record.varSizes.map((n): ["i32", number] => ["i32", n])
      ]
      payload = record.payload
      break
    case "Truncate":
      type = CdcRecordType.TRUNCATE
      header = [["i64", record.seq], ["i32", record.txid], ["i32", record.label]]
      break
    case "TabSchema":
      type = CdcRecordType.TABSCHEMA
      header = [
        ["i32", record.label],
        ["i32", 0],
        ["i32", record.fixedBytes],
        ["i32", record.fixedColumns],
        ["i32", record.varColumns]
      ]
      payload = latin1(record.columns)
      break
    case "Timeout":
      type = CdcRecordType.TIMEOUT
      header = [["i64", record.seq]]
      break
    case "Error":
      type = CdcRecordType.ERROR
      header = [["i32", record.flags], ["i32", record.code]]
      break
  }
  const headerSize = 16 + header.reduce((n, [kind]) => n + (kind === "i64" ? 8 : 4), 0)
  const out = new Uint8Array(headerSize + payload.length)
  const view = new DataView(out.buffer)
  view.setInt32(0, headerSize)
  view.setInt32(4, payload.length)
  view.setInt32(8, CDC_PACKET_SCHEME)
  view.setInt32(12, type)
  let at = 16
  for (const [kind, value] of header) {
    if (kind === "i64") {
      view.setBigInt64(at, BigInt(value))
      at += 8
    } else {
      view.setInt32(at, Number(value))
      at += 4
    }
  }
  out.set(payload, headerSize)
  return out
}

const fail = (message: string) => new ProtocolCodecError({ message: `CDC record: ${message}` })

/** Decodes the record at the start of one read's bytes (what follows it is ignored, as JDBC does). */
export const decodeCdcRecord = (bytes: Uint8Array): CdcRecord | ProtocolCodecError => {
  if (bytes.length < 16) return fail(`${bytes.length} bytes, less than the 16-byte header`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const headerSize = view.getInt32(0)
  const payloadSize = view.getInt32(4)
  const type = view.getInt32(12)
  if (headerSize < 16 || payloadSize < 0 || headerSize + payloadSize > bytes.length) {
    return fail(`header ${headerSize} + payload ${payloadSize} bytes do not fit the ${bytes.length} read`)
  }
  let at = 16
  const need = (n: number) => at + n <= headerSize
  const i32 = () => {
    const v = view.getInt32(at)
    at += 4
    return v
  }
  const i64 = () => {
    const v = view.getBigInt64(at)
    at += 8
    return v
  }
  const payload = bytes.subarray(headerSize, headerSize + payloadSize)
  switch (type) {
    case CdcRecordType.BEGIN:
      if (!need(24)) break
      return { _tag: "Begin", seq: i64(), txid: i32(), time: i64(), userId: i32() }
    case CdcRecordType.COMMIT:
      if (!need(20)) break
      return { _tag: "Commit", seq: i64(), txid: i32(), time: i64() }
    case CdcRecordType.ROLLBACK:
    case CdcRecordType.DISCARD:
      if (!need(12)) break
      return { _tag: type === CdcRecordType.ROLLBACK ? "Rollback" : "Discard", seq: i64(), txid: i32() }
    case CdcRecordType.INSERT:
    case CdcRecordType.DELETE:
    case CdcRecordType.BEFORE_UPDATE:
    case CdcRecordType.AFTER_UPDATE: {
      if (!need(20)) break
      const seq = i64()
      const txid = i32()
      const label = i32()
      i32() // flags
      const varSizes: Array<number> = []
      while (need(4)) varSizes.push(i32())
      return { _tag: "Row", type, seq, txid, label, varSizes, payload }
    }
    case CdcRecordType.TRUNCATE:
      if (!need(16)) break
      return { _tag: "Truncate", seq: i64(), txid: i32(), label: i32() }
    case CdcRecordType.TABSCHEMA: {
      if (!need(20)) break
      const label = i32()
      i32() // flags
      return {
        _tag: "TabSchema",
        label,
        fixedBytes: i32(),
        fixedColumns: i32(),
        varColumns: i32(),
        columns: new TextDecoder("latin1").decode(payload).replace(/[\0\s]+$/, "")
      }
    }
    case CdcRecordType.TIMEOUT:
      if (!need(8)) break
      return { _tag: "Timeout", seq: i64() }
    case CdcRecordType.ERROR:
      if (!need(8)) break
      return { _tag: "Error", flags: i32(), code: i32() }
    default:
      return fail(`record type ${type} is not defined`)
  }
  return fail(`record type ${type} with a ${headerSize}-byte header is too short`)
}

/** Decodes every record of one read (a session opened with max_records > 1 gets several per read). */
export const decodeCdcRecords = (bytes: Uint8Array): Array<CdcRecord> | ProtocolCodecError => {
  const out: Array<CdcRecord> = []
  let at = 0
  while (at < bytes.length) {
    const rest = bytes.subarray(at)
    const record = decodeCdcRecord(rest)
    if (record instanceof ProtocolCodecError) return record
    out.push(record)
    const view = new DataView(rest.buffer, rest.byteOffset, rest.byteLength)
    at += view.getInt32(0) + view.getInt32(4)
  }
  return out
}

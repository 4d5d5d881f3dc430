/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
/**
 * Client → server message bodies: one writer and one reader per opcode (SQLI.md §7). Both are driven by the
 * negotiated `Framing` for the few fields whose width depends on it (SQL length, fetch buffer size).
 *
 * @internal
 */
import type { Reader } from "../wire/Reader.ts"
import { blobDescriptorWidth, readBindValue, writeBindValue } from "./bindFraming.ts"
import type { CheckedWriter } from "./checkedWriter.ts"
import type { ClientMessage, EnvPair, Framing, RetTypeColumn } from "./messages.ts"
import { InfoType, Opcode } from "./opcodes.ts"
import { readSmartLobClientMessage, smartLobClientOpcode, writeSmartLobClientMessage } from "./smartLobMessages.ts"

const EMPTY: Uint8Array = new Uint8Array(0)

/** RET_TYPE carries type names only for LVARCHAR/"SENDRECV"/BOOLEAN front-end codes (gomodel). */
const retTypeHasNames = (type: number): boolean => {
  const code = type & 0xff
  return code === 43 || code === 44 || code === 45
}

/** Opcodes whose message is the opcode alone. */
const bareClient: Partial<Record<ClientMessage["_tag"], number>> = {
  NDescribe: Opcode.NDESCRIBE,
  WantDone: Opcode.WANTDONE,
  Scroll: Opcode.SCROLL,
  Hold: Opcode.HOLD,
  Open: Opcode.OPEN,
  Execute: Opcode.EXECUTE,
  Ferr: Opcode.FERR,
  CiDescribe: Opcode.CIDESCRIBE,
  Close: Opcode.CLOSE,
  Release: Opcode.RELEASE,
  Begin: Opcode.BEGIN,
  CommitWork: Opcode.CMMTWORK,
  DbClose: Opcode.DBCLOSE,
  VersionRequest: Opcode.VERSION,
  DbListRequest: Opcode.DBLIST,
  BatchStart: Opcode.BATCHSTART,
  BatchEnd: Opcode.BATCHEND,
  Ack: Opcode.ACK,
  Exit: Opcode.EXIT,
  Eot: Opcode.EOT
}

export const clientOpcode = (m: ClientMessage): number => {
  const bare = bareClient[m._tag]
  if (bare !== undefined) return bare
  switch (m._tag) {
    case "Command":
      return Opcode.COMMAND
    case "Prepare":
      return Opcode.PREPARE
    case "SgkPrepare":
      return Opcode.SGKPREPARE
    case "Id":
      return Opcode.ID
    case "CurName":
      return Opcode.CURNAME
    case "Bind":
      return Opcode.BIND
    case "BBind":
      return Opcode.BBIND
    case "Blob":
      return Opcode.BLOB
    case "NFetch":
      return Opcode.NFETCH
    case "SFetch":
      return Opcode.SFETCH
    case "RetType":
      return Opcode.RET_TYPE
    case "RollbackWork":
      return Opcode.RBWORK
    case "SetSavepoint":
      return Opcode.SQLISETSVPT
    case "ReleaseSavepoint":
      return Opcode.SQLIRELSVPT
    case "RollbackSavepoint":
      return Opcode.SQLIRBACKSVPT
    case "Info":
      return Opcode.INFO
    case "DbOpen":
      return Opcode.DBOPEN
    case "Protocols":
      return Opcode.PROTOCOLS
    case "FetchBlob":
      return Opcode.FETCHBLOB
    case "PamResponse":
      return Opcode.RESPONSE
    case "GetRoutine":
    case "ExFpRoutine":
    case "LoData":
    case "FpDescribe":
      return smartLobClientOpcode(m)
    default:
      return -1
  }
}

const writeBuffer = (w: CheckedWriter, value: number, wide: boolean, field: string): void => {
  if (wide) w.i32(value, field)
  else w.u16(value, field)
}

export const writeClientMessage = (w: CheckedWriter, m: ClientMessage, framing: Framing): void => {
  const opcode = clientOpcode(m)
  w.opcode = opcode
  w.u16(opcode, "opcode")
  switch (m._tag) {
    case "Command":
    case "Prepare":
      w.u16(m.numQmarks, "numQmarks")
      w.sqlText(m.sql, framing.sqlLength32, "sql")
      return
    case "SgkPrepare":
      w.u16(m.value, "value")
      return
    case "Id":
      w.u16(m.statementId, "statementId")
      return
    case "CurName":
      w.char(m.name, "cursorName")
      return
    case "Bind":
      w.u16(m.params.length, "bind.count")
      m.params.forEach((p, i) => writeBindValue(w, p, i, framing))
      return
    case "BBind":
      w.u16(m.blobCount, "blobCount")
      return
    case "Blob":
      w.char(m.data, "blob chunk")
      return
    case "NFetch":
      writeBuffer(w, m.bufferSize, framing.fetchBuffer32, "bufferSize")
      w.u16(m.fetchArraySize, "fetchArraySize")
      return
    case "SFetch":
      w.i16(m.scrollType, "scrollType")
      w.i32(m.target, "target")
      writeBuffer(w, m.bufferSize, framing.fetchBuffer32, "bufferSize")
      return
    case "RetType":
      w.u16(m.direction, "direction")
      w.u16(m.columns.length, "columns.count")
      for (const c of m.columns) {
        w.s16(c.type, "column.type")
        if (retTypeHasNames(c.type)) {
          w.char(c.ownerName ?? "", "column.ownerName")
          w.char(c.typeName ?? "", "column.typeName")
        }
        w.s32(c.encodedLength, "column.encodedLength")
      }
      return
    case "RollbackWork":
      w.u16(m.savepointLevel, "savepointLevel")
      return
    case "SetSavepoint":
      w.char(m.name, "savepoint")
      w.u16(m.unique, "unique")
      return
    case "ReleaseSavepoint":
    case "RollbackSavepoint":
      w.char(m.name, "savepoint")
      return
    case "Info":
      w.u16(m.infoType, "infoType")
      w.u16(m.totalLength, "totalLength")
      if (m.infoType === InfoType.ENV) {
        w.u16(m.maxNameLength, "maxNameLength")
        w.u16(m.maxValueLength, "maxValueLength")
        for (const [name, value] of m.env) {
          if (name.length === 0) w.fail("SQ_INFO env name must not be empty (it is the terminator)")
          w.char(name, "env.name")
          w.char(value, "env.value")
        }
        w.u16(0, "env.end").u16(0, "env.end")
      } else {
        if (m.raw.length !== m.totalLength) w.fail("SQ_INFO raw item length differs from totalLength")
        w.padded(m.raw)
      }
      return
    case "DbOpen":
      w.char(m.name, "database")
      w.u16(m.mode, "mode")
      return
    case "Protocols":
      w.char(m.mask, "mask")
      return
    case "FetchBlob":
      if (m.descriptor.length !== blobDescriptorWidth(framing)) {
        w.fail(`blob descriptor must be ${blobDescriptorWidth(framing)} bytes, got ${m.descriptor.length}`)
      }
      w.bytes(m.descriptor)
      return
    case "PamResponse":
      w.char(m.text, "response")
      return
    case "GetRoutine":
    case "ExFpRoutine":
    case "LoData":
    case "FpDescribe":
      writeSmartLobClientMessage(w, m, framing)
      return
    default:
      return // bare
  }
}

/** Limits applied while reading (every length is capped before the bytes are taken). */
export interface ReadLimits {
  readonly maxLength: number
  /**
   * SQ_TUPLE payloads as views of the bytes being read instead of copies: only when those bytes are never written
   * again (the decoder's `keepChunks`).
   */
  readonly viewTuples?: boolean
}

/** A u16 that a framing bit widens to i32 (fetch buffer size: bit 63; SQL length: bit 62). */
const readU16OrI32 = (r: Reader, wide: boolean): number => (wide ? r.i32() : r.u16())

const readSql = (r: Reader, wide: boolean, limits: ReadLimits): Uint8Array => {
  const n = readU16OrI32(r, wide)
  if (n < 0 || n > limits.maxLength) {
    r.fail(`SQL length ${n} out of range`)
    return EMPTY
  }
  return r.padded(n)
}

/**
 * Read one client message body after its opcode. Returns `undefined` for an unknown opcode (the caller reports it;
 * the stream cannot be resynchronised). The reader's `short`/`error` flags tell whether the message was complete.
 */
export const readClientMessage = (
  r: Reader,
  opcode: number,
  framing: Framing,
  limits: ReadLimits
): ClientMessage | undefined => {
  const max = limits.maxLength
  switch (opcode) {
    case Opcode.COMMAND:
    case Opcode.PREPARE: {
      const numQmarks = r.u16()
      const sql = readSql(r, framing.sqlLength32, limits)
      return { _tag: opcode === Opcode.COMMAND ? "Command" : "Prepare", numQmarks, sql }
    }
    case Opcode.SGKPREPARE:
      return { _tag: "SgkPrepare", value: r.u16() }
    case Opcode.NDESCRIBE:
      return { _tag: "NDescribe" }
    case Opcode.WANTDONE:
      return { _tag: "WantDone" }
    case Opcode.ID:
      return { _tag: "Id", statementId: r.u16() }
    case Opcode.CURNAME:
      return { _tag: "CurName", name: r.char(max) }
    case Opcode.SCROLL:
      return { _tag: "Scroll" }
    case Opcode.HOLD:
      return { _tag: "Hold" }
    case Opcode.OPEN:
      return { _tag: "Open" }
    case Opcode.BIND: {
      const n = r.u16()
      const params = []
      for (let i = 0; i < n && r.ok; i++) params.push(readBindValue(r, max, framing))
      return { _tag: "Bind", params }
    }
    case Opcode.BBIND:
      return { _tag: "BBind", blobCount: r.u16() }
    case Opcode.BLOB:
      return { _tag: "Blob", data: r.charBytes(max) }
    case Opcode.EXECUTE:
      return { _tag: "Execute" }
    case Opcode.FERR:
      return { _tag: "Ferr" }
    case Opcode.NFETCH: {
      const bufferSize = readU16OrI32(r, framing.fetchBuffer32)
      return { _tag: "NFetch", bufferSize, fetchArraySize: r.u16() }
    }
    case Opcode.SFETCH: {
      const scrollType = r.i16()
      const target = r.i32()
      return { _tag: "SFetch", scrollType, target, bufferSize: readU16OrI32(r, framing.fetchBuffer32) }
    }
    case Opcode.RET_TYPE: {
      const direction = r.u16()
      const n = r.u16()
      const columns: Array<RetTypeColumn> = []
      for (let i = 0; i < n && r.ok; i++) {
        const type = r.u16()
        if (retTypeHasNames(type)) {
          const ownerName = r.char(max)
          const typeName = r.char(max)
          columns.push({ type, ownerName, typeName, encodedLength: r.i32() })
        } else {
          columns.push({ type, encodedLength: r.i32() })
        }
      }
      return { _tag: "RetType", direction, columns }
    }
    case Opcode.CIDESCRIBE:
      return { _tag: "CiDescribe" }
    case Opcode.CLOSE:
      return { _tag: "Close" }
    case Opcode.RELEASE:
      return { _tag: "Release" }
    case Opcode.BEGIN:
      return { _tag: "Begin" }
    case Opcode.CMMTWORK:
      return { _tag: "CommitWork" }
    case Opcode.RBWORK:
      return { _tag: "RollbackWork", savepointLevel: r.u16() }
    case Opcode.SQLISETSVPT: {
      const name = r.char(max)
      return { _tag: "SetSavepoint", name, unique: r.u16() }
    }
    case Opcode.SQLIRELSVPT:
      return { _tag: "ReleaseSavepoint", name: r.char(max) }
    case Opcode.SQLIRBACKSVPT:
      return { _tag: "RollbackSavepoint", name: r.char(max) }
    case Opcode.INFO:
      return readInfo(r, max)
    case Opcode.DBOPEN: {
      const name = r.char(max)
      return { _tag: "DbOpen", name, mode: r.u16() }
    }
    case Opcode.DBCLOSE:
      return { _tag: "DbClose" }
    case Opcode.PROTOCOLS:
      return { _tag: "Protocols", mask: r.charBytes(max) }
    case Opcode.VERSION:
      return { _tag: "VersionRequest" }
    case Opcode.FETCHBLOB:
      return { _tag: "FetchBlob", descriptor: r.bytesCopy(blobDescriptorWidth(framing)) }
    case Opcode.DBLIST:
      return { _tag: "DbListRequest" }
    case Opcode.BATCHSTART:
      return { _tag: "BatchStart" }
    case Opcode.BATCHEND:
      return { _tag: "BatchEnd" }
    case Opcode.ACK:
      return { _tag: "Ack" }
    case Opcode.RESPONSE:
      return { _tag: "PamResponse", text: r.char(max) }
    case Opcode.EXIT:
      return { _tag: "Exit" }
    case Opcode.EOT:
      return { _tag: "Eot" }
    default:
      return readSmartLobClientMessage(r, opcode, framing, max)
  }
}

/**
 * SQ_INFO: for INFO_ENV the pairs are read up to the `00 00 00 00` terminator (a zero-length name + value) rather than
 * trusting totalLength, which JDBC computes by a rule that does not match the bytes (SQLI.md §4.2). Other item types
 * (never seen) are taken as `totalLength` raw bytes.
 */
const readInfo = (r: Reader, max: number): ClientMessage => {
  const infoType = r.u16()
  const totalLength = r.u16()
  if (infoType !== InfoType.ENV) {
    const raw = r.padded(totalLength)
    return { _tag: "Info", infoType, totalLength, maxNameLength: 0, maxValueLength: 0, env: [], raw }
  }
  const maxNameLength = r.u16()
  const maxValueLength = r.u16()
  const env: Array<EnvPair> = []
  while (r.ok) {
    const name = r.char(max)
    const value = r.char(max)
    if (!r.ok) break
    if (name.length === 0) {
      if (value.length !== 0) r.fail("SQ_INFO env terminator with a non-empty value")
      break
    }
    env.push([name, value])
  }
  return { _tag: "Info", infoType, totalLength, maxNameLength, maxValueLength, env, raw: EMPTY }
}

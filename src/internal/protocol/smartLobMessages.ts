/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
/**
 * The messages smart large objects (BLOB, CLOB) travel in: fast-path routine calls (SQ_GETROUTINE 101,
 * SQ_EXFPROUTINE 102, SQ_FPROUTINE 103) that run the server's `ifx_lo_*` routines, and SQ_LODATA (97) that carries
 * the bytes. The same fast path runs SPL routines with OUT parameters for JDBC's CallableStatement: SQ_GETROUTINE by
 * database and handle, SQ_FPARAM (104) both ways, SQ_FPDESCRIBE (131) and its reply (132). Layouts as IBM JDBC 15 writes and reads them (../shared/protocol/JDBC-LOB.md §4.2/§4.3;
 * `IfxSqli.getHandle`, `sendFastPath`, `receiveHandle`, `receiveFastPath`, `sendLoData`, `receiveLODATA`;
 * docs/protocol-evidence.md "Smart large objects").
 *
 * @internal
 */
import { latin1String, type Reader } from "../wire/Reader.ts"
import { readBindValue, writeBindValue } from "./bindFraming.ts"
import type { CheckedWriter } from "./checkedWriter.ts"
import type { BindValue, Framing } from "./messages.ts"
import { Opcode } from "./opcodes.ts"

// ---------------------------------------------------------------------------------------------------------------
// Model
// ---------------------------------------------------------------------------------------------------------------

/**
 * SQ_GETROUTINE (101), client: resolve a routine signature (e.g. `function informix.ifx_lo_close(integer)`) to a
 * handle. `fparam` is 0 for the LOB calls (1 asks for an SQ_FPARAM block, CallableStatement only).
 */
export interface GetRoutine {
  readonly _tag: "GetRoutine"
  readonly signature: string
  readonly fparam: number
  /** Kind 1 (bit 52): the routine by the database and handle a -9752 named (CallableStatement), not by signature. */
  readonly byId?: RoutineId | undefined
}

/** A routine named by its database and handle (JDBC's `db^handle` signature). */
export interface RoutineId {
  readonly database: string
  readonly handle: number
}

/**
 * SQ_FPDESCRIBE (131), client: describe a routine's parameters with their modes (IBM JDBC `IfxSqli.sendCFPDescribe`:
 * by id under bit 52, else by name, kind and argument count).
 */
export interface FpDescribe {
  readonly _tag: "FpDescribe"
  readonly byId: RoutineId | undefined
  readonly isFunction: boolean
  readonly name: string
  readonly numargs: number
}

/** SQ_EXFPROUTINE (102), client: run a routine by handle; `params` is the embedded SQ_BIND (absent when none). */
export interface ExFpRoutine {
  readonly _tag: "ExFpRoutine"
  /** The database from the SQ_GETROUTINE reply, or "" (JDBC sends "" with a cached handle). */
  readonly database: string
  readonly handle: number
  readonly fparam: number
  readonly params: ReadonlyArray<BindValue>
}

/** One type of SQ_FPARAM's return or parameter list (`IfxSqli.readFPTypeInfo`); `mode` 0 IN, 1 OUT, 2 INOUT. */
export interface FpTypeInfo {
  readonly type: number
  readonly xid: number
  readonly length: number
  readonly precision: number
  readonly scale: number
  readonly mode: number
}

/**
 * SQ_FPARAM (104), server: after SQ_GETROUTINE asked for it, the routine's return types and parameter modes
 * (`IfxSqli.receiveFParam`; function state, request, id, row and column are 0).
 */
export interface FParamReply {
  readonly _tag: "FParamReply"
  readonly returns: ReadonlyArray<FpTypeInfo>
  readonly params: ReadonlyArray<FpTypeInfo>
}

/**
 * SQ_FPDESCRIBE's reply (132), server: `IfxSqli.recvIDescribe(true)`, an SQ_IDESCRIBE with a mode per parameter
 * (`length` is the encoded length).
 */
export interface FpDescribeReply {
  readonly _tag: "FpDescribeReply"
  readonly params: ReadonlyArray<FpTypeInfo>
}

/** SQ_LODATA sub-commands (`IfxSqli.sendLoData`). */
export const LoDataOp = { READ: 0, READ_WITH_SEEK: 1, WRITE: 2 } as const

/**
 * SQ_LODATA (97), client: read `length` bytes from `fd`, or write `chunks` (summing to `length`, each ≤ 32000).
 * `bufferSize` is JDBC's constant 32000. READ_WITH_SEEK carries an INT8 offset and a whence (always 1).
 */
export interface LoData {
  readonly _tag: "LoData"
  readonly op: number
  readonly fd: number
  readonly length: number
  readonly bufferSize: number
  readonly offset?: bigint | undefined
  readonly whence?: number | undefined
  readonly chunks: ReadonlyArray<Uint8Array>
}

/** SQ_GETROUTINE's reply (101), server: the routine's handle (and its database, under capability bit 52). */
export interface RoutineHandle {
  readonly _tag: "RoutineHandle"
  readonly database: string
  readonly handle: number
}

/**
 * One SQ_FPROUTINE value: the SQ_BIND value shape (`data` = the value's bytes without length prefix or pad). Names
 * are carried when the base type is ≥ 18 (not 52/53) or the DISTINCT bit 0x800 is set.
 */
export type FpValue = BindValue

/** SQ_FPROUTINE (103), server: a routine's OUT values then its return value. */
export interface FpReturn {
  readonly _tag: "FpReturn"
  readonly values: ReadonlyArray<FpValue>
}

/**
 * SQ_LODATA's reply (97), server. Write: `op` 2 and `size` = bytes written (negative = ISAM error). Read: `size` =
 * bytes that follow in `chunks` (each ≤ 32767, signed i16 length); `size` < 1 is end of data (then a u16 0).
 */
export interface LoDataReply {
  readonly _tag: "LoDataReply"
  readonly op: number
  readonly size: number
  readonly chunks: ReadonlyArray<Uint8Array>
}

// ---------------------------------------------------------------------------------------------------------------
// Framing
// ---------------------------------------------------------------------------------------------------------------

/** Largest SQ_LODATA chunk: JDBC's constant buffer size (and the u16/i16 chunk length limit is above it). */
export const LODATA_CHUNK = 32000

/** FPROUTINE values carry names for base type ≥ 18 except BIGINT/BIGSERIAL, and for DISTINCT types. */
const fpHasNames = (type: number): boolean => {
  const base = type & 0xff
  return (base >= 18 && base !== 52 && base !== 53) || (type & 0x800) !== 0
}

/** Data width of a returned value, "char" (u16 prefix), "long" (i32 prefix) or undefined (unsupported type). */
const fpDataForm = (type: number): number | "char" | "long" | undefined => {
  switch (type & 0xff) {
    case 1:
      return 2
    case 2:
    case 6:
      return 4
    case 17:
    case 18:
      return 10
    case 52:
    case 53:
    case 3:
      return 8
    case 4:
    case 7:
      return 4
    case 11:
    case 12:
      return 56
    case 0:
    case 13:
    case 15:
    case 16:
      return "char"
    case 40:
    case 41:
    case 43:
    case 44:
    case 45:
    case 101:
    case 102:
      return "long"
    default:
      return undefined
  }
}

const writeFpValue = (w: CheckedWriter, v: FpValue, i: number): void => {
  const field = `fproutine[${i}]`
  w.s16(v.type, `${field}.type`)
  if (fpHasNames(v.type)) {
    w.char(v.ownerName ?? "", `${field}.ownerName`)
    w.char(v.extendedName ?? "", `${field}.extendedName`)
  }
  w.i16(v.indicator, `${field}.indicator`)
  w.s16(v.prec, `${field}.prec`)
  if (v.indicator === -1) return
  const form = fpDataForm(v.type)
  if (form === undefined) w.fail(`${field}: type ${v.type} is not a fast-path return type this codec carries`)
  else if (form === "char") w.char(v.data, `${field}.data`)
  else if (form === "long") w.i32(v.data.length, `${field}.length`).padded(v.data)
  else if (v.data.length !== form) w.fail(`${field}: type ${v.type} needs ${form} bytes, got ${v.data.length}`)
  else w.bytes(v.data)
}

const readFpValue = (r: Reader, max: number): FpValue => {
  const type = r.i16()
  const named = fpHasNames(type)
  const ownerName = named ? r.char(max) : undefined
  const extendedName = named ? r.char(max) : undefined
  const indicator = r.i16()
  const prec = r.u16()
  let data: Uint8Array = new Uint8Array(0)
  if (indicator !== -1) {
    const form = fpDataForm(type)
    if (form === undefined) r.fail(`SQ_FPROUTINE value of type ${type} is not supported`)
    else if (form === "char") data = r.charBytes(max)
    else if (form === "long") {
      const n = r.i32()
      if (n > max) r.fail(`SQ_FPROUTINE value length ${n} exceeds the limit`)
      else if (n > 0) data = r.padded(n)
    } else data = r.bytesCopy(form)
  }
  const base = { type, indicator, prec, data }
  return named ? { ...base, ownerName: ownerName ?? "", extendedName: extendedName ?? "" } : base
}

/** INT8 in SQLI form: i16 sign (JDBC writes 1 for 0), u32 low, u32 high of the magnitude. */
export const int8Bytes = (value: bigint): Uint8Array => {
  const out = new Uint8Array(10)
  const view = new DataView(out.buffer)
  const magnitude = value < 0n ? -value : value
  view.setInt16(0, value < 0n ? -1 : 1)
  view.setUint32(2, Number(magnitude & 0xffffffffn))
  view.setUint32(6, Number((magnitude >> 32n) & 0xffffffffn))
  return out
}

/** Reads the SQLI INT8 form; sign 0 reads as 0 (JDBC's NULL INT8 never appears in LOB traffic). */
export const int8FromBytes = (bytes: Uint8Array): bigint => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length)
  const sign = view.getInt16(0)
  const magnitude = (BigInt(view.getUint32(6)) << 32n) | BigInt(view.getUint32(2))
  return sign < 0 ? -magnitude : sign === 0 ? 0n : magnitude
}

// ---------------------------------------------------------------------------------------------------------------
// Client → server
// ---------------------------------------------------------------------------------------------------------------

export type SmartLobClientMessage = GetRoutine | ExFpRoutine | LoData | FpDescribe

export const smartLobClientOpcode = (m: SmartLobClientMessage): number =>
  m._tag === "GetRoutine"
    ? Opcode.GETROUTINE
    : m._tag === "ExFpRoutine"
    ? Opcode.EXFPROUTINE
    : m._tag === "FpDescribe"
    ? Opcode.FPDESCRIBE
    : Opcode.LODATA

/** SQ_FPARAM as the client sends it after SQ_EXFPROUTINE's bind (`IfxSqli.sendFParam`): state, request, not-done. */
const writeClientFParam = (w: CheckedWriter) => {
  w.u16(Opcode.FPARAM, "fparam.opcode")
  w.bytes(int8Bytes(0n))
  w.i32(0, "fparam.request")
  w.u8(1, "fparam.notDone")
}

/** Body after the opcode. Bit 52 adds GETROUTINE's kind byte and EXFPROUTINE's database; bit 62 widens sigLen. */
export const writeSmartLobClientMessage = (w: CheckedWriter, m: SmartLobClientMessage, framing: Framing): void => {
  switch (m._tag) {
    case "GetRoutine": {
      if (framing.namedParameters && m.byId !== undefined) {
        w.u8(1, "kind")
        const db = w.latin1(m.byId.database, "database")
        if (framing.sqlLength32) w.i32(db.length, "database.length")
        else w.u16(db.length, "database.length")
        w.padded(db)
        w.i32(m.byId.handle, "handle")
        w.u16(m.fparam, "fparam")
        return
      }
      if (framing.namedParameters) w.u8(0, "kind")
      const sig = w.latin1(m.signature, "signature")
      if (framing.sqlLength32) w.i32(sig.length, "signature.length")
      else w.u16(sig.length, "signature.length")
      w.padded(sig)
      w.u16(m.fparam, "fparam")
      return
    }
    case "ExFpRoutine":
      if (framing.namedParameters) w.char(m.database, "database")
      w.i32(m.handle, "handle")
      w.u16(m.params.length, "params.count")
      w.u16(m.fparam, "fparam")
      if (m.params.length > 0) {
        w.u16(Opcode.BIND, "bind.opcode")
        w.u16(m.params.length, "bind.count")
        m.params.forEach((p, i) => writeBindValue(w, p, i, framing))
      }
      if (m.fparam !== 0) writeClientFParam(w)
      return
    case "FpDescribe":
      if (framing.namedParameters) w.u8(m.byId === undefined ? 0 : 1, "kind")
      if (framing.namedParameters && m.byId !== undefined) {
        w.char(m.byId.database, "database")
        w.i32(m.byId.handle, "handle")
        return
      }
      w.i16(m.isFunction ? 1 : 0, "isFunction")
      w.char(m.name, "name")
      w.i32(m.numargs, "numargs")
      return
    case "LoData": {
      w.u16(m.op, "op").u16(m.fd, "fd").i32(m.length, "length").u16(m.bufferSize, "bufferSize")
      if (m.op === LoDataOp.READ_WITH_SEEK) {
        w.bytes(int8Bytes(m.offset ?? 0n))
        w.u16(m.whence ?? 1, "whence")
      }
      if (m.op !== LoDataOp.WRITE) return
      let total = 0
      for (const chunk of m.chunks) {
        if (chunk.length > LODATA_CHUNK) w.fail(`SQ_LODATA chunk of ${chunk.length} bytes (max ${LODATA_CHUNK})`)
        w.char(chunk, "chunk")
        total += chunk.length
      }
      if (total !== m.length) w.fail(`SQ_LODATA chunks sum to ${total}, length says ${m.length}`)
      return
    }
  }
}

export const readSmartLobClientMessage = (
  r: Reader,
  opcode: number,
  framing: Framing,
  max: number
): SmartLobClientMessage | undefined => {
  switch (opcode) {
    case Opcode.GETROUTINE: {
      if (framing.namedParameters) {
        const kind = r.u8()
        // Kind 1 ("db^handle") is JDBC's CallableStatement form (the routine a -9752 named).
        if (kind === 1) {
          // The database travels like kind 0's signature (i32 length under bit 62), as JDBC 15 writes it.
          const n = framing.sqlLength32 ? r.i32() : r.u16()
          if (n < 0 || n > max) r.fail(`SQ_GETROUTINE database length ${n} out of range`)
          const database = r.ok ? latin1String(r.padded(n)) : ""
          const handle = r.i32()
          return { _tag: "GetRoutine", signature: "", byId: { database, handle }, fparam: r.u16() }
        }
        if (kind !== 0) r.fail(`SQ_GETROUTINE kind ${kind} is not supported`)
      }
      const n = framing.sqlLength32 ? r.i32() : r.u16()
      if (n < 0 || n > max) r.fail(`SQ_GETROUTINE signature length ${n} out of range`)
      const signature = r.ok ? latin1String(r.padded(n)) : ""
      return { _tag: "GetRoutine", signature, fparam: r.u16() }
    }
    case Opcode.EXFPROUTINE: {
      const database = framing.namedParameters ? r.char(max) : ""
      const handle = r.i32()
      const count = r.u16()
      const fparam = r.u16()
      const params: Array<BindValue> = []
      if (count > 0) {
        const bind = r.u16()
        if (bind !== Opcode.BIND) r.fail(`SQ_EXFPROUTINE parameters must be an SQ_BIND, got opcode ${bind}`)
        const n = r.u16()
        for (let i = 0; i < n && r.ok; i++) params.push(readBindValue(r, max, framing))
      }
      if (fparam !== 0) {
        // JDBC's SQ_FPARAM follows the bind (`IfxSqli.sendFParam`): its state is the server's own; read past it.
        const opcode = r.u16()
        if (opcode !== Opcode.FPARAM) r.fail(`SQ_EXFPROUTINE with fparam must be followed by SQ_FPARAM, got ${opcode}`)
        r.bytesView(10)
        r.i32()
        r.u8()
      }
      return { _tag: "ExFpRoutine", database, handle, fparam, params }
    }
    case Opcode.FPDESCRIBE: {
      if (framing.namedParameters && r.u8() === 1) {
        const database = r.char(max)
        return { _tag: "FpDescribe", byId: { database, handle: r.i32() }, isFunction: false, name: "", numargs: 0 }
      }
      const isFunction = r.i16() !== 0
      const name = r.char(max)
      return { _tag: "FpDescribe", byId: undefined, isFunction, name, numargs: r.i32() }
    }
    case Opcode.LODATA: {
      const op = r.u16()
      const fd = r.u16()
      const length = r.i32()
      const bufferSize = r.u16()
      if (op === LoDataOp.READ_WITH_SEEK) {
        // A short buffer leaves the reader failed (it says why); never read an INT8 out of fewer than 10 bytes.
        const seek = r.bytesView(10)
        const offset = r.ok ? int8FromBytes(seek) : 0n
        return { _tag: "LoData", op, fd, length, bufferSize, offset, whence: r.u16(), chunks: [] }
      }
      const chunks: Array<Uint8Array> = []
      if (op === LoDataOp.WRITE) {
        if (length < 0) r.fail(`SQ_LODATA write of negative length ${length}`)
        let total = 0
        while (r.ok && total < length) {
          const chunk = r.charBytes(Math.min(max, LODATA_CHUNK))
          if (chunk.length === 0 && r.ok) r.fail("SQ_LODATA write chunk of 0 bytes before the declared length")
          total += chunk.length
          chunks.push(chunk)
        }
        if (r.ok && total !== length) r.fail(`SQ_LODATA chunks sum to ${total}, length says ${length}`)
      }
      return { _tag: "LoData", op, fd, length, bufferSize, chunks }
    }
    default:
      return undefined
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Server → client
// ---------------------------------------------------------------------------------------------------------------

export type SmartLobServerMessage = RoutineHandle | FpReturn | LoDataReply | FParamReply | FpDescribeReply

export const smartLobServerOpcode = (m: SmartLobServerMessage): number =>
  m._tag === "RoutineHandle"
    ? Opcode.GETROUTINE
    : m._tag === "FpReturn"
    ? Opcode.FPROUTINE
    : m._tag === "FParamReply"
    ? Opcode.FPARAM
    : m._tag === "FpDescribeReply"
    ? Opcode.IFPDESCRIBE
    : Opcode.LODATA

const writeTypeInfo = (w: CheckedWriter, t: FpTypeInfo, field: string, withMode: boolean) => {
  w.u8(0, `${field}.null`)
  w.i16(t.type, `${field}.type`)
  w.i32(t.xid, `${field}.xid`)
  w.i32(t.length, `${field}.length`)
  w.i16(t.precision, `${field}.precision`)
  w.i16(t.scale, `${field}.scale`)
  if (withMode) w.i16(t.mode, `${field}.mode`)
}

const readTypeInfo = (r: Reader, withMode: boolean): FpTypeInfo => {
  r.u8()
  const type = r.i16()
  const xid = r.i32()
  const length = r.i32()
  const precision = r.i16()
  const scale = r.i16()
  return { type, xid, length, precision, scale, mode: withMode ? r.i16() : 0 }
}

export const writeSmartLobServerMessage = (w: CheckedWriter, m: SmartLobServerMessage, framing: Framing): void => {
  switch (m._tag) {
    case "RoutineHandle":
      if (framing.namedParameters) w.char(m.database, "database")
      w.i32(m.handle, "handle")
      return
    case "FpReturn":
      w.u16(m.values.length, "values.count")
      m.values.forEach((v, i) => writeFpValue(w, v, i))
      return
    case "FParamReply":
      // Function state (INT8), request, isDone, id, row (INT8), column: no state is kept between calls.
      w.bytes(int8Bytes(0n)).i32(0, "request").u8(0, "isDone").i32(0, "id").bytes(int8Bytes(0n)).i32(0, "colid")
      w.i16(m.returns.length, "nrets")
      m.returns.forEach((t, i) => writeTypeInfo(w, t, `returns[${i}]`, false))
      w.i16(m.params.length, "nargs")
      if (framing.namedParameters) w.i16(0, "namedFlags")
      m.params.forEach((t, i) => writeTypeInfo(w, t, `params[${i}]`, true))
      return
    case "FpDescribeReply":
      w.i16(m.params.length, "params.count")
      if (framing.namedParameters && m.params.length > 0) w.i16(0, "namedFlags")
      m.params.forEach((p, i) => {
        const field = `params[${i}]`
        w.i16(p.type, `${field}.type`).i32(p.xid, `${field}.xid`)
        w.char("", `${field}.owner`).char("", `${field}.name`)
        w.i16(0, `${field}.reference`).i16(0, `${field}.alignment`).i32(0, `${field}.sourceType`)
        w.i32(p.length, `${field}.encodedLength`).i16(p.mode, `${field}.mode`)
      })
      return
    case "LoDataReply": {
      w.u16(m.op, "op").i32(m.size, "size")
      if (m.op === LoDataOp.WRITE) return
      if (m.size < 1) {
        w.u16(0, "end")
        return
      }
      let total = 0
      for (const chunk of m.chunks) {
        if (chunk.length > 0x7fff) w.fail(`SQ_LODATA reply chunk of ${chunk.length} bytes (max 32767)`)
        w.char(chunk, "chunk")
        total += chunk.length
      }
      if (total !== m.size) w.fail(`SQ_LODATA reply chunks sum to ${total}, size says ${m.size}`)
      return
    }
  }
}

export const readSmartLobServerMessage = (
  r: Reader,
  opcode: number,
  framing: Framing,
  max: number
): SmartLobServerMessage | undefined => {
  switch (opcode) {
    case Opcode.GETROUTINE: {
      const database = framing.namedParameters ? r.char(max) : ""
      return { _tag: "RoutineHandle", database, handle: r.i32() }
    }
    case Opcode.FPROUTINE: {
      const n = r.u16()
      const values: Array<FpValue> = []
      for (let i = 0; i < n && r.ok; i++) values.push(readFpValue(r, max))
      return { _tag: "FpReturn", values }
    }
    case Opcode.FPARAM: {
      r.bytesView(10)
      r.i32()
      r.u8()
      r.i32()
      r.bytesView(10)
      r.i32()
      const nrets = r.i16()
      const returns: Array<FpTypeInfo> = []
      for (let i = 0; i < nrets && r.ok; i++) returns.push(readTypeInfo(r, false))
      const nargs = r.i16()
      if (framing.namedParameters) r.i16()
      const params: Array<FpTypeInfo> = []
      for (let i = 0; i < nargs && r.ok; i++) params.push(readTypeInfo(r, true))
      return { _tag: "FParamReply", returns, params }
    }
    case Opcode.IFPDESCRIBE: {
      const n = r.i16()
      if (framing.namedParameters && n > 0) r.i16()
      const params: Array<FpTypeInfo> = []
      for (let i = 0; i < n && r.ok; i++) {
        const type = r.i16()
        const xid = r.i32()
        r.char(max)
        r.char(max)
        r.i16()
        r.i16()
        r.i32()
        const encodedLength = r.i32()
        params.push({ type, xid, length: encodedLength, precision: 0, scale: 0, mode: r.i16() })
      }
      return { _tag: "FpDescribeReply", params }
    }
    case Opcode.LODATA: {
      const op = r.u16()
      const size = r.i32()
      const chunks: Array<Uint8Array> = []
      if (op !== LoDataOp.WRITE) {
        if (size < 1) r.u16()
        let total = 0
        while (r.ok && total < size) {
          const n = r.i16()
          // JDBC stops at a negative chunk length (a short read); so does this reader, keeping what came.
          if (n < 0) break
          if (n === 0) {
            r.fail("SQ_LODATA reply chunk of 0 bytes before the announced size")
            break
          }
          chunks.push(r.padded(n))
          total += n
        }
        if (r.ok && total > size) r.fail(`SQ_LODATA reply chunks sum to ${total}, size says ${size}`)
      }
      return { _tag: "LoDataReply", op, size, chunks }
    }
    default:
      return undefined
  }
}

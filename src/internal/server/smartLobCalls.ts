/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
/**
 * The server's half of smart large objects: the fast-path `ifx_lo_*` routines (SQ_GETROUTINE → handle,
 * SQ_EXFPROUTINE → SQ_FPROUTINE) and SQ_LODATA reads and writes, served from the database's `SmartLobStore`
 * the way IBM JDBC 15 calls them (JDBC-LOB.md §4.2/§4.3/§7): signatures matched with whitespace removed (JDBC's
 * constants carry odd spaces), fds per session and ≤ 32767 (SQ_LODATA carries them as u16), a position per fd that
 * seek, read and write move, values returned as the Java types JDBC casts them to (locator/lo_spec/lo_stat as UDT
 * 41, positions as INT8 17, fds and status as INTEGER 2).
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import type { BindValue, Err } from "../protocol/messages.ts"
import {
  type ExFpRoutine,
  type FpValue,
  type GetRoutine,
  int8Bytes,
  int8FromBytes,
  type LoData,
  LODATA_CHUNK,
  LoDataOp
} from "../protocol/smartLobMessages.ts"
import { captureRead } from "./changeFeed.ts"
import type { BatchState, Session } from "./clientSession.ts"
import { pushRead } from "./pushFeed.ts"
import { BatchFailure, err } from "./sessionReplies.ts"
import { LOCATOR_SIZE, type SmartLobContent, smartLobStoreFor } from "./smartLobStore.ts"

/** −9810 "Smart-large-object error" (what JDBC reports for LO failures, and ignores during its clean-up). */
const SQL_SMART_LOB = -9810
/** −674 "Routine can not be resolved". */
const SQL_NO_ROUTINE = -674
/** −9634 "No cast from …": an argument of the wrong type. */
const SQL_BAD_ARGUMENT = -9634

type Routine = "create" | "open" | "close" | "release" | "seek" | "stat" | "tell" | "truncate" | "colSbinfo"

/** The signatures JDBC's `IfxSmartBlob` sends, whitespace removed. */
const ROUTINES: ReadonlyArray<readonly [string, Routine]> = [
  ["function informix.ifx_lo_create(ifx_lo_spec,integer,blob)", "create"],
  ["function informix.ifx_lo_open(blob,integer)", "open"],
  ["function informix.ifx_lo_close(integer)", "close"],
  ["function informix.ifx_lo_release(blob)", "release"],
  ["function informix.ifx_lo_seek(integer,int8,integer,int8)", "seek"],
  ["function informix.ifx_lo_stat(int,ifx_lo_stat)", "stat"],
  ["function informix.ifx_lo_tell(int,int8)", "tell"],
  ["function informix.ifx_lo_truncate(integer,int8)", "truncate"],
  ["function informix.ifx_lo_col_sbinfo(lvarchar,ifx_lo_spec)", "colSbinfo"]
]
const HANDLE_BASE = 1001
const normalise = (signature: string): string => signature.replace(/\s+/g, "").toLowerCase()
const handles = new Map(ROUTINES.map(([sig], i) => [normalise(sig), HANDLE_BASE + i]))

/** Open modes (locator.h): any of these lets the fd write. */
const LO_APPEND = 0x1
const WRITABLE = LO_APPEND | 0x2 | 0x8
const MAX_FD = 0x7fff

interface OpenLob {
  readonly content: SmartLobContent
  readonly mode: number
  pos: number
}

/** Open fds of each session (die with it). */
const sessionFds = new WeakMap<Session, Map<number, OpenLob>>()
const fdsOf = (session: Session): Map<number, OpenLob> => {
  let fds = sessionFds.get(session)
  if (fds === undefined) sessionFds.set(session, fds = new Map())
  return fds
}

const fail = (e: Err) => Effect.fail(new BatchFailure(e))

export const smartLobStep = (
  session: Session,
  message: GetRoutine | ExFpRoutine | LoData,
  state: BatchState
): Effect.Effect<void, BatchFailure> => {
  const db = session.requireDb()
  if (db instanceof BatchFailure) return Effect.fail(db)
  switch (message._tag) {
    case "GetRoutine": {
      const handle = handles.get(normalise(message.signature))
      if (handle === undefined) return fail(err(SQL_NO_ROUTINE, 0, message.signature))
      state.out.push({ _tag: "RoutineHandle", database: db.name, handle })
      return Effect.void
    }
    case "ExFpRoutine": {
      const routine = ROUTINES[message.handle - HANDLE_BASE]?.[1]
      if (routine === undefined) return fail(err(SQL_NO_ROUTINE, 0, String(message.handle)))
      const result = call(session, db.name, routine, message.params)
      if (result instanceof BatchFailure) return Effect.fail(result)
      state.out.push({ _tag: "FpReturn", values: result })
      return Effect.void
    }
    case "LoData": {
      // A CDC session's fd (changeFeed.ts): reads only.
      const capture = message.op === LoDataOp.READ ? db.engine.captureReader(message.fd) : undefined
      if (capture !== undefined) return captureRead(session, capture, message.length, state)
      // A push-data session's fd (pushFeed.ts): reads only.
      const push = message.op === LoDataOp.READ ? db.engine.pushReader(message.fd) : undefined
      if (push !== undefined) return pushRead(push, message.length, state)
      const lob = fdsOf(session).get(message.fd)
      if (lob === undefined) return fail(err(SQL_SMART_LOB, 0, `fd ${message.fd}`))
      if (message.op === LoDataOp.WRITE) {
        if ((lob.mode & WRITABLE) === 0) return fail(err(SQL_SMART_LOB, 0, "opened read-only"))
        if ((lob.mode & LO_APPEND) !== 0) lob.pos = lob.content.size
        for (const chunk of message.chunks) {
          lob.content.write(lob.pos, chunk)
          lob.pos += chunk.length
        }
        state.out.push({ _tag: "LoDataReply", op: LoDataOp.WRITE, size: message.length, chunks: [] })
        return Effect.void
      }
      if (message.op === LoDataOp.READ_WITH_SEEK) {
        const target = seekTarget(lob, message.offset ?? 0n, message.whence ?? 1)
        if (target instanceof BatchFailure) return Effect.fail(target)
        lob.pos = target
      }
      const data = lob.content.read(lob.pos, message.length)
      lob.pos += data.length
      const chunks: Array<Uint8Array> = []
      for (let i = 0; i < data.length; i += LODATA_CHUNK) chunks.push(data.subarray(i, i + LODATA_CHUNK))
      state.out.push({ _tag: "LoDataReply", op: message.op, size: data.length, chunks })
      return Effect.void
    }
  }
}

const integer = (n: number): FpValue => {
  const data = new Uint8Array(4)
  new DataView(data.buffer).setInt32(0, n)
  return { type: 2, indicator: 0, prec: 0, data }
}
const int8 = (n: number): FpValue => ({ type: 17, indicator: 0, prec: 0, data: int8Bytes(BigInt(n)) })
const udt = (name: string, data: Uint8Array): FpValue => ({
  type: 41,
  ownerName: "informix",
  extendedName: name,
  indicator: 0,
  prec: 0,
  data
})

const badArgument = (i: number, routine: Routine) =>
  new BatchFailure(err(SQL_BAD_ARGUMENT, 0, `${routine} arg ${i + 1}`))

const intArg = (params: ReadonlyArray<BindValue>, i: number, routine: Routine): number | BatchFailure => {
  const p = params[i]
  if (p === undefined || (p.type & 0xff) !== 2 || p.indicator === -1 || p.data.length !== 4) {
    return badArgument(i, routine)
  }
  return new DataView(p.data.buffer, p.data.byteOffset, 4).getInt32(0)
}
const int8Arg = (params: ReadonlyArray<BindValue>, i: number, routine: Routine): number | BatchFailure => {
  const p = params[i]
  if (p === undefined || (p.type & 0xff) !== 17 || p.indicator === -1 || p.data.length !== 10) {
    return badArgument(i, routine)
  }
  const value = int8FromBytes(p.data)
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? badArgument(i, routine) : Number(value)
}
const bytesArg = (params: ReadonlyArray<BindValue>, i: number, routine: Routine): Uint8Array | BatchFailure => {
  const p = params[i]
  return p === undefined || p.indicator === -1 ? badArgument(i, routine) : p.data
}

const seekTarget = (lob: OpenLob, offset: bigint | number, whence: number): number | BatchFailure => {
  const base = whence === 0 ? 0 : whence === 1 ? lob.pos : whence === 2 ? lob.content.size : Number.NaN
  const target = base + Number(offset)
  return Number.isSafeInteger(target) && target >= 0 ? target : new BatchFailure(err(SQL_SMART_LOB, 0, "seek"))
}

/** ifx_lo_stat's 644 bytes: only the size (4..13, u32 low / u32 high / i16 sign) is filled (JDBC-LOB.md §4.4). */
const loStat = (size: number): Uint8Array => {
  const stat = new Uint8Array(644)
  const view = new DataView(stat.buffer)
  view.setUint32(4, size % 2 ** 32)
  view.setUint32(8, Math.floor(size / 2 ** 32))
  view.setInt16(12, 1)
  return stat
}

const call = (
  session: Session,
  database: string,
  routine: Routine,
  params: ReadonlyArray<BindValue>
): ReadonlyArray<FpValue> | BatchFailure => {
  const fds = fdsOf(session)
  const store = smartLobStoreFor(session.ctx, database)
  const openFd = (content: SmartLobContent, mode: number): FpValue | BatchFailure => {
    let fd = 1
    while (fds.has(fd)) fd++
    if (fd > MAX_FD) return new BatchFailure(err(SQL_SMART_LOB, 0, "too many open smart large objects"))
    fds.set(fd, { content, mode, pos: 0 })
    return integer(fd)
  }
  const lobArg = (i: number): OpenLob | BatchFailure => {
    const fd = intArg(params, i, routine)
    if (fd instanceof BatchFailure) return fd
    return fds.get(fd) ?? new BatchFailure(err(SQL_SMART_LOB, 0, `fd ${fd}`))
  }
  switch (routine) {
    case "create": {
      const mode = intArg(params, 1, routine)
      if (mode instanceof BatchFailure) return mode
      const { content, locator } = store.create()
      const fd = openFd(content, mode)
      // The OUT argument (the new locator) comes before the return value (the fd).
      return fd instanceof BatchFailure ? fd : [udt("blob", locator), fd]
    }
    case "open": {
      const locator = bytesArg(params, 0, routine)
      const mode = intArg(params, 1, routine)
      if (locator instanceof BatchFailure) return locator
      if (mode instanceof BatchFailure) return mode
      const content = store.find(locator.subarray(0, LOCATOR_SIZE))
      if (content === undefined) return new BatchFailure(err(SQL_SMART_LOB, 0, "locator"))
      const fd = openFd(content, mode)
      return fd instanceof BatchFailure ? fd : [fd]
    }
    case "close": {
      const fd = intArg(params, 0, routine)
      if (fd instanceof BatchFailure) return fd
      if (!fds.delete(fd)) return new BatchFailure(err(SQL_SMART_LOB, 0, `fd ${fd}`))
      return [integer(0)]
    }
    case "release": {
      // Objects stay until the server stops: a released locator may still be referenced by a row (JDBC releases
      // after every getBinaryStream read).
      const locator = bytesArg(params, 0, routine)
      return locator instanceof BatchFailure ? locator : [integer(0)]
    }
    case "seek": {
      const lob = lobArg(0)
      const offset = int8Arg(params, 1, routine)
      const whence = intArg(params, 2, routine)
      if (lob instanceof BatchFailure) return lob
      if (offset instanceof BatchFailure) return offset
      if (whence instanceof BatchFailure) return whence
      const target = seekTarget(lob, offset, whence)
      if (target instanceof BatchFailure) return target
      lob.pos = target
      return [int8(target)]
    }
    case "tell": {
      const lob = lobArg(0)
      return lob instanceof BatchFailure ? lob : [int8(lob.pos)]
    }
    case "stat": {
      const lob = lobArg(0)
      return lob instanceof BatchFailure ? lob : [udt("ifx_lo_stat", loStat(lob.content.size))]
    }
    case "truncate": {
      const lob = lobArg(0)
      const size = int8Arg(params, 1, routine)
      if (lob instanceof BatchFailure) return lob
      if (size instanceof BatchFailure) return size
      if ((lob.mode & WRITABLE) === 0) return new BatchFailure(err(SQL_SMART_LOB, 0, "opened read-only"))
      lob.content.truncate(size)
      return [integer(0)]
    }
    case "colSbinfo": {
      // The column's storage spec: the default spec JDBC sent is as good as any (TestServer has no sbspaces).
      const spec = bytesArg(params, 1, routine)
      return spec instanceof BatchFailure ? spec : [udt("ifx_lo_spec", spec)]
    }
  }
}

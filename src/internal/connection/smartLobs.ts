/* oxlint-disable no-this-in-exported-function -- these functions are ConnectionImpl methods, installed on its prototype (connectionImpl.ts) */
/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
/**
 * Smart large objects (BLOB, CLOB) on a connection, moved the way IBM JDBC 15 moves them (JDBC-LOB.md §4): the
 * server's `ifx_lo_*` routines called by fast path (SQ_GETROUTINE once per signature and connection, then
 * SQ_EXFPROUTINE) and the bytes in SQ_LODATA messages of at most `TRANSFER` bytes each (32000-byte chunks inside),
 * so memory stays bounded by one message whatever the object's size.
 *
 * - create: `ifx_lo_create(spec, LO_RDWR, 72 zero bytes)` → locator + fd; SQ_LODATA writes; `ifx_lo_close(fd)`.
 * - read: `ifx_lo_open(locator, LO_RDONLY)` → fd; SQ_LODATA reads until a reply of 0 bytes (as JDBC's
 *   `IfxLobInputStream`); `ifx_lo_close(fd)` when the stream ends, fails or is interrupted.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { type InformixError, ParameterError, SqlError } from "../../InformixError.ts"
import { SmartLobLocator } from "../../InformixValue.ts"
import type { BindValue } from "../protocol/messages.ts"
import { type FpValue, LODATA_CHUNK, LoDataOp } from "../protocol/smartLobMessages.ts"
import { locatorBytes } from "../values/bindValues.ts"
import { concat } from "../wire/concat.ts"
import type { ConnectionImpl } from "./connectionImpl.ts"
import { noTimeout, type StatementContext } from "./statementContext.ts"

/** Bytes per SQ_LODATA message: 8 of JDBC's 32000-byte chunks (JDBC sends one per 32000; fewer round trips here, and a message small enough to decode without re-scanning much). */
export const TRANSFER = 8 * LODATA_CHUNK

const LOCATOR_SIZE = 72
/** Open modes (locator.h), as JDBC uses them. */
const LO_RDONLY = 4
const LO_RDWR = 8

const SIG = {
  create: "function informix.ifx_lo_create( ifx_lo_spec,integer,blob)",
  open: "function informix.ifx_lo_open(blob ,integer)",
  close: "function informix.ifx_lo_close(integer)"
} as const

/** JDBC's default lo_spec (`IfxLobDescriptor.getRawLobDescriptor`, JDBC-LOB.md §4.4): sizes and extent "unknown". */
const defaultLoSpec = (): Uint8Array => {
  const spec = new Uint8Array(596)
  const view = new DataView(spec.buffer)
  view.setUint32(0, 0xdadafeed)
  for (const at of [12, 24]) {
    view.setUint32(at, 1)
    view.setInt16(at + 8, -1)
  }
  view.setInt32(36, -1)
  view.setInt32(572, -1)
  view.setInt32(576, -1)
  return spec
}

const integerParam = (n: number): BindValue => {
  const data = new Uint8Array(4)
  new DataView(data.buffer).setInt32(0, n)
  return { type: 2, indicator: 0, prec: 0x0a00, data }
}
const udtParam = (name: string, data: Uint8Array): BindValue => ({
  type: 44,
  ownerName: "",
  extendedName: name,
  indicator: 0,
  prec: 0,
  data
})

const protocolFailure = (stmt: StatementContext, message: string): SqlError =>
  new SqlError({ sqlcode: -9810, isamCode: 0, offset: 0, parameter: "", message, sql: stmt.sql })

/** Routine handles per connection and signature, as JDBC caches them (`IfxSqliConnect.setFPCacheInfo`). */
const handleCache = new WeakMap<ConnectionImpl, Map<string, { readonly database: string; readonly handle: number }>>()

/** One fast-path call: the values of its SQ_FPROUTINE reply (OUT arguments first, then the return value). */
const fastPath = (
  conn: ConnectionImpl,
  signature: string,
  params: ReadonlyArray<BindValue>
): Effect.Effect<ReadonlyArray<FpValue>, InformixError> =>
  Effect.gen(function*() {
    const stmt = noTimeout(signature)
    let cache = handleCache.get(conn)
    if (cache === undefined) handleCache.set(conn, cache = new Map())
    let routine = cache.get(signature)
    if (routine === undefined) {
      const reply = yield* conn.roundTrip([{ _tag: "GetRoutine", signature, fparam: 0 }], stmt)
      const found = reply.find((m) => m._tag === "RoutineHandle")
      if (found?._tag !== "RoutineHandle") return yield* protocolFailure(stmt, "no routine handle in the reply")
      routine = { database: found.database, handle: found.handle }
      cache.set(signature, routine)
    }
    const reply = yield* conn.roundTrip([{ _tag: "ExFpRoutine", ...routine, fparam: 0, params }], stmt)
    const values = reply.find((m) => m._tag === "FpReturn")
    if (values?._tag !== "FpReturn") return yield* protocolFailure(stmt, "no routine result in the reply")
    return values.values
  })

const intValue = (v: FpValue | undefined): number | undefined =>
  v !== undefined && (v.type & 0xff) === 2 && v.data.length === 4
    ? new DataView(v.data.buffer, v.data.byteOffset, 4).getInt32(0)
    : undefined

const closeFd = (conn: ConnectionImpl, fd: number) => Effect.ignore(fastPath(conn, SIG.close, [integerParam(fd)]))

const hexOf = (bytes: Uint8Array): string => {
  let s = ""
  for (const b of bytes) s += b.toString(16).padStart(2, "0")
  return s
}

/** One SQ_LODATA write of `length` bytes (`chunks`, each ≤ 32000); the server's ack must count them all. */
const writeMessage = (conn: ConnectionImpl, fd: number, chunks: ReadonlyArray<Uint8Array>, length: number) => {
  const stmt = noTimeout("ifx_lo_write")
  return Effect.flatMap(
    conn.roundTrip([{ _tag: "LoData", op: LoDataOp.WRITE, fd, length, bufferSize: LODATA_CHUNK, chunks }], stmt),
    (reply) => {
      const ack = reply.find((m) => m._tag === "LoDataReply")
      return ack?._tag === "LoDataReply" && ack.size === length
        ? Effect.void
        : Effect.fail(
          protocolFailure(
            stmt,
            `the server acknowledged ${ack?._tag === "LoDataReply" ? ack.size : "no"} of ${length} bytes written`
          )
        )
    }
  )
}

/** Writes a stream through an fd in messages of `TRANSFER` bytes: one buffer, re-used, whatever the input chunking. */
const writeAll = <E, R>(
  conn: ConnectionImpl,
  fd: number,
  content: Stream.Stream<Uint8Array, E, R>
): Effect.Effect<void, InformixError | E, R> =>
  Effect.suspend(() => {
    const buffer = new Uint8Array(TRANSFER)
    let filled = 0
    const flush = Effect.suspend(() => {
      if (filled === 0) return Effect.void
      const chunks: Array<Uint8Array> = []
      for (let i = 0; i < filled; i += LODATA_CHUNK) chunks.push(buffer.subarray(i, Math.min(filled, i + LODATA_CHUNK)))
      const length = filled
      filled = 0
      return writeMessage(conn, fd, chunks, length)
    })
    const take = (bytes: Uint8Array): Effect.Effect<void, InformixError> =>
      Effect.gen(function*() {
        let at = 0
        while (at < bytes.length) {
          const n = Math.min(TRANSFER - filled, bytes.length - at)
          buffer.set(bytes.subarray(at, at + n), filled)
          filled += n
          at += n
          if (filled === TRANSFER) yield* flush
        }
      })
    return Effect.andThen(Stream.runForEach(content, take), flush)
  })

export function createSmartLob<E = never, R = never>(
  this: ConnectionImpl,
  kind: "BLOB" | "CLOB",
  content: Uint8Array | string | Stream.Stream<Uint8Array, E, R>
): Effect.Effect<SmartLobLocator, InformixError | E, R> {
  const source: Stream.Stream<Uint8Array, E, R> = typeof content === "string"
    ? Stream.make(this.settings.values.charset.encode(content))
    : content instanceof Uint8Array
    ? Stream.make(content)
    : content
  const created = Effect.flatMap(
    fastPath(this, SIG.create, [
      udtParam("ifx_lo_spec", defaultLoSpec()),
      integerParam(LO_RDWR),
      udtParam("blob", new Uint8Array(LOCATOR_SIZE))
    ]),
    (values) => {
      const locator = values[0]
      const fd = intValue(values[1])
      return locator === undefined || locator.data.length < LOCATOR_SIZE || fd === undefined
        ? Effect.fail(protocolFailure(noTimeout(SIG.create), "ifx_lo_create returned no locator and fd"))
        : Effect.succeed({ locator: locator.data.subarray(0, LOCATOR_SIZE), fd })
    }
  )
  return this.span(
    "createSmartLob",
    "ifx_lo_create",
    this.owned(
      Effect.acquireUseRelease(
        created,
        ({ fd, locator }) => Effect.as(writeAll(this, fd, source), new SmartLobLocator(kind, hexOf(locator))),
        ({ fd }) => closeFd(this, fd)
      )
    )
  )
}

export function readSmartLob(
  this: ConnectionImpl,
  locator: SmartLobLocator
): Stream.Stream<Uint8Array, InformixError> {
  const bytes = locatorBytes(locator)
  if (bytes === undefined) {
    return Stream.fail(
      new ParameterError({
        message: `a smart-LOB locator is ${LOCATOR_SIZE} bytes (144 hex digits)`,
        sql: "ifx_lo_open"
      })
    )
  }
  const opened = Effect.acquireRelease(
    Effect.flatMap(
      this.owned(fastPath(this, SIG.open, [udtParam("blob", bytes), integerParam(LO_RDONLY)])),
      (values) => {
        const fd = intValue(values[0])
        return fd === undefined
          ? Effect.fail(protocolFailure(noTimeout(SIG.open), "ifx_lo_open returned no fd"))
          : Effect.succeed(fd)
      }
    ),
    (fd) => this.owned(closeFd(this, fd))
  )
  const stmt = noTimeout("ifx_lo_read")
  const read = (fd: number) =>
    this.owned(
      Effect.flatMap(
        this.roundTrip([{
          _tag: "LoData",
          op: LoDataOp.READ,
          fd,
          length: TRANSFER,
          bufferSize: LODATA_CHUNK,
          chunks: []
        }], stmt),
        (reply) => {
          const data = reply.find((m) => m._tag === "LoDataReply")
          return data?._tag === "LoDataReply"
            ? Effect.succeed(data.size > 0 ? data.chunks : [])
            : Effect.fail(protocolFailure(stmt, "no SQ_LODATA in the reply to a read"))
        }
      )
    )
  return Stream.unwrap(
    Effect.map(
      opened,
      (fd) =>
        Stream.paginate(
          undefined,
          () =>
            Effect.map(read(fd), (chunks) =>
              [chunks, chunks.length === 0 ? Option.none() : Option.some(undefined)] as const)
        )
    )
  ).pipe(Stream.withSpan("informix.readSmartLob", { kind: "client", attributes: this.spanAttributes }))
}

/**
 * One SQ_LODATA read of at most `length` bytes on an fd the caller got from the server (a CDC session's id: each
 * read is one change record, InformixChanges). A read blocks on the server until it has something to return.
 */
export const readLoDataOnce = (
  conn: ConnectionImpl,
  fd: number,
  length: number
): Effect.Effect<Uint8Array, InformixError> => {
  const stmt = noTimeout("ifx_lo_read")
  return Effect.flatMap(
    conn.roundTrip([{ _tag: "LoData", op: LoDataOp.READ, fd, length, bufferSize: LODATA_CHUNK, chunks: [] }], stmt),
    (reply) => {
      const data = reply.find((m) => m._tag === "LoDataReply")
      return data?._tag === "LoDataReply"
        ? Effect.succeed(data.size > 0 ? concat(data.chunks) : new Uint8Array(0))
        : Effect.fail(protocolFailure(stmt, "no SQ_LODATA in the reply to a read"))
    }
  )
}

export function readClobText(this: ConnectionImpl, locator: SmartLobLocator): Effect.Effect<string, InformixError> {
  if (locator.kind !== "CLOB") {
    return Effect.fail(
      new ParameterError({ message: "readClobText needs a CLOB locator, got a BLOB", sql: "ifx_lo_open" })
    )
  }
  return Effect.map(
    Stream.runCollect(this.readSmartLob(locator)),
    (chunks) => this.settings.values.charset.decode(concat(chunks))
  )
}

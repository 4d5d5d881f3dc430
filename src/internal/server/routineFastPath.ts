/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
/**
 * SPL routines called through the fast path, the way IBM JDBC 15's CallableStatement calls a routine with OUT
 * parameters (read in the decompiled driver, evidence only: `IfxCallableStatement`, `IfxSqli.sendCFPDescribe`,
 * `recvIDescribe(true)`, `getHandle`, `receiveFParam`, `sendFastPath`, `receiveFastPath`): the PREPARE of
 * `execute procedure f(?, ?)` answers -9752 naming `database:handle:1` (spl/routines.ts), JDBC describes the
 * routine by that handle (SQ_FPDESCRIBE → parameters with modes), asks for the handle with an SQ_FPARAM block (the
 * return types and each parameter's mode: which values are OUT), and runs it with SQ_EXFPROUTINE (every parameter
 * bound, OUT ones NULL). SQ_FPROUTINE answers the OUT values in parameter order, then the returned values.
 *
 * Values travel in the types the fast path carries (smartLobMessages.ts): integers, floats, DATE and character
 * types; a routine whose OUT or returned values are of another type fails the call with -9752.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import type { ExFpRoutine, FpDescribe, FpTypeInfo, FpValue, GetRoutine } from "../protocol/smartLobMessages.ts"
import { int8Bytes } from "../protocol/smartLobMessages.ts"
import type { BatchState, Session } from "./clientSession.ts"
import { type ColumnDescription, ROUTINE_HANDLE_BASE, type Value } from "./engine/api.ts"
import { isEngineError } from "./engine/index.ts"
import { decodeBindParams } from "./rowCodec.ts"
import { BatchFailure, err, fromEngine } from "./sessionReplies.ts"

/** −674 "Routine can not be resolved". */
const SQL_NO_ROUTINE = -674

/** A fast-path message for an SPL routine (not one of the smart-LOB `ifx_lo_*` calls). */
export const isRoutineCall = (message: GetRoutine | ExFpRoutine | FpDescribe): boolean =>
  message._tag === "FpDescribe" ||
  (message._tag === "GetRoutine" ? message.byId !== undefined : message.handle >= ROUTINE_HANDLE_BASE)

const fail = (sqlcode: number, parameter = "") => Effect.fail(new BatchFailure(err(sqlcode, 0, parameter)))

const typeInfo = (c: ColumnDescription, mode: number): FpTypeInfo => ({
  type: c.columnType & 0xff,
  xid: c.extendedId,
  length: c.encodedLength,
  precision: 0,
  scale: 0,
  mode
})

export const routineFastPathStep = (
  session: Session,
  message: GetRoutine | ExFpRoutine | FpDescribe,
  state: BatchState
): Effect.Effect<void, BatchFailure> => {
  const db = session.requireDb()
  if (db instanceof BatchFailure) return Effect.fail(db)
  const engine = db.engine
  switch (message._tag) {
    case "FpDescribe": {
      const routine = engine.fastPathRoutine(
        message.byId === undefined
          ? { name: message.name, numargs: message.numargs }
          : message.byId.handle - ROUTINE_HANDLE_BASE
      )
      if (routine === undefined) return fail(SQL_NO_ROUTINE, message.name)
      session.strayEot = true
      state.out.push({
        _tag: "FpDescribeReply",
        params: routine.params.map((p) => typeInfo(p.column, p.mode))
      })
      return Effect.void
    }
    case "GetRoutine": {
      const handle = message.byId!.handle
      const routine = engine.fastPathRoutine(handle - ROUTINE_HANDLE_BASE)
      if (routine === undefined) return fail(SQL_NO_ROUTINE, String(handle))
      state.out.push({ _tag: "RoutineHandle", database: db.name, handle })
      if (message.fparam !== 0) {
        state.out.push({
          _tag: "FParamReply",
          returns: routine.returning.map((c) => typeInfo(c, 0)),
          params: routine.params.map((p) => typeInfo(p.column, p.mode))
        })
      }
      return Effect.void
    }
    case "ExFpRoutine": {
      const procid = message.handle - ROUTINE_HANDLE_BASE
      const routine = engine.fastPathRoutine(procid)
      if (routine === undefined) return fail(SQL_NO_ROUTINE, String(message.handle))
      const args = decodeBindParams(message.params, session.charset)
      if (isEngineError(args)) return Effect.fail(new BatchFailure(fromEngine(args)))
      const result = engine.callFastPath(procid, args)
      if (isEngineError(result)) return Effect.fail(new BatchFailure(fromEngine(result)))
      const outTypes = routine.params.filter((p) => p.mode !== 0).map((p) => p.column)
      const values: Array<FpValue> = []
      const pairs = [
        ...result.outs.map((v, k) => [v, outTypes[k]!] as const),
        ...result.returns.map((v, k) => [v, routine.returning[k]!] as const)
      ]
      for (const [value, column] of pairs) {
        const encoded = fpValue(value, column, session)
        if (encoded === undefined) return fail(-9752, `${column.name}: type ${column.columnType & 0xff}`)
        values.push(encoded)
      }
      state.out.push({ _tag: "FpReturn", values })
      return Effect.void
    }
  }
}

/** A value as SQ_FPROUTINE carries it, or undefined for a type the fast path does not carry here. */
const fpValue = (value: Value, column: ColumnDescription, session: Session): FpValue | undefined => {
  const type = column.columnType & 0xff
  if (value === null) return { type, indicator: -1, prec: column.encodedLength, data: new Uint8Array(0) }
  const fixed = (size: number, write: (view: DataView) => void): FpValue => {
    const data = new Uint8Array(size)
    write(new DataView(data.buffer))
    return { type, indicator: 0, prec: column.encodedLength, data }
  }
  switch (type) {
    case 1:
      return fixed(2, (v) => v.setInt16(0, Number(value)))
    case 2:
    case 6:
      return fixed(4, (v) => v.setInt32(0, Number(value)))
    case 17:
    case 18:
      return { type, indicator: 0, prec: column.encodedLength, data: int8Bytes(BigInt(value as number | bigint)) }
    case 52:
    case 53:
      return fixed(8, (v) => v.setBigInt64(0, BigInt(value as number | bigint)))
    case 3:
      return fixed(8, (v) => v.setFloat64(0, Number(value)))
    case 4:
      return fixed(4, (v) => v.setFloat32(0, Number(value)))
    case 0:
    case 13:
    case 15:
    case 16:
      return { type, indicator: 0, prec: column.encodedLength, data: session.charset.encode(String(value)) }
    default:
      return undefined
  }
}

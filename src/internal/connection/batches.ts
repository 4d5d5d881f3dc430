/* oxlint-disable no-this-in-exported-function -- these functions are ConnectionImpl methods, installed on its prototype (connectionImpl.ts) */
/**
 * Batches (`executeMany`): one statement run once per row of parameters, sent the way IBM JDBC 15 sends
 * `executeBatch` (IfxSqli.sendExecute; SQLI.md §8.15, docs/protocol-evidence.md): `ID (BIND EXECUTE)×k EOT`, one
 * SQ_DONE per EXECUTE in the reply, a new client batch started whenever ~32 KiB have been written since the last EOT.
 * The server stops a batch at its first failing EXECUTE (SQ_ERR, the rest skipped), so after a failure the next batch
 * starts right after the failing row when the caller asked to go on.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import type * as Connection from "../../Connection.ts"
import { BatchError, type InformixError, ParameterError, type SqlError } from "../../InformixError.ts"
import type * as M from "../protocol/messages.ts"
import { encodeBind } from "../values/bindValues.ts"
import { CodecFailure } from "../values/CodecFailure.ts"
import { encodeBatch } from "./codecView.ts"
import type { ConnectionImpl } from "./connectionImpl.ts"
import { bindMessages, EOT, EXECUTE, id } from "./prebuiltMessages.ts"
import { executeResult, replyError } from "./results.ts"
import { remaining, renew, type StatementContext } from "./statementContext.ts"
import type { Prepared } from "./statements.ts"
import type { Incoming } from "./wireSession.ts"

/**
 * Bytes written before a client batch is ended with EOT and its reply read: JDBC 15 checks
 * `getBytesSentSinceLastEOT() < Short.MAX_VALUE` after each EXECUTE of `executeBatch` (IfxSqli.sendExecute).
 */
export const BATCH_BYTES = 32767

type OnError = "stop" | "continue"

/** Binds every row before anything is sent; rows must all have the width of the first. */
export function encodeRows(
  this: ConnectionImpl,
  rows: ReadonlyArray<ReadonlyArray<Connection.Parameter>>,
  sql: string
): Effect.Effect<ReadonlyArray<ReadonlyArray<M.BindValue>>, ParameterError> {
  return Effect.suspend(() => {
    if (!Array.isArray(rows)) {
      return Effect.fail(new ParameterError({ message: "executeMany expects an array of rows (arrays)", sql }))
    }
    const out: Array<ReadonlyArray<M.BindValue>> = []
    const width = Array.isArray(rows[0]) ? rows[0].length : 0
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]
      if (!Array.isArray(row)) {
        return Effect.fail(
          new ParameterError({ message: `Row ${r} is not an array of parameters (got ${typeName(row)})`, row: r, sql })
        )
      }
      if (row.length !== width) {
        return Effect.fail(
          new ParameterError({
            message:
              `Row ${r} has ${row.length} parameters but row 0 has ${width}; every row binds the same placeholders`,
            row: r,
            sql
          })
        )
      }
      const bound: Array<M.BindValue> = []
      for (let i = 0; i < width; i++) {
        const value = encodeBind(row[i], this.settings.values)
        if (value instanceof CodecFailure) {
          // The same message as `execute`'s, with the row (codec messages never quote the value).
          return Effect.fail(
            new ParameterError({
              message: `Row ${r}, parameter ${i + 1} cannot be bound: ${value.message}`,
              index: i,
              row: r,
              sql
            })
          )
        }
        if (value.blobStream !== undefined) {
          // A batch is written ahead in as few writes as possible; a stream is pulled while its request is written.
          return Effect.fail(
            new ParameterError({
              message: `Row ${r}, parameter ${
                i + 1
              }: a streamed BYTE/TEXT cannot be bound in executeMany (use execute)`,
              index: i,
              row: r,
              sql
            })
          )
        }
        bound.push(value)
      }
      out.push(bound)
    }
    return Effect.succeed(out)
  })
}

const typeName = (value: unknown): string => value === null ? "null" : typeof value

export function executeMany(
  this: ConnectionImpl,
  sql: string,
  rows: ReadonlyArray<ReadonlyArray<Connection.Parameter>>,
  options?: Connection.BatchOptions
): Effect.Effect<ReadonlyArray<Connection.ExecuteResult>, InformixError> {
  return this.span(
    "executeMany",
    sql,
    Effect.gen({ self: this }, function*() {
      const binds = yield* this.encodeRows(rows, sql)
      if (binds.length === 0) return []
      const stmt = yield* this.statementContext(sql, options)
      // A statement of its own (as JDBC's PreparedStatement), released afterwards. The hand-over from PREPARE to
      // `using` is uninterruptible so an interruption cannot strand the statement.
      return yield* this.owned(Effect.uninterruptibleMask((restore) =>
        Effect.flatMap(
          restore(this.prepareStatement(stmt, binds[0]!.length)),
          (prepared) => this.using(prepared, false, (p) => restore(this.runBatch(p, binds, stmt, options?.onError)))
        )
      ))
    })
  )
}

/**
 * Runs `prepared` once per row of `rows` (already bound). Needs the session's owner permit (the caller holds it), so
 * no other statement slips between the batches of one `executeMany`.
 */
export function runBatch(
  this: ConnectionImpl,
  prepared: Prepared,
  rows: ReadonlyArray<ReadonlyArray<M.BindValue>>,
  stmt: StatementContext,
  onError: OnError | undefined
): Effect.Effect<ReadonlyArray<Connection.ExecuteResult>, InformixError> {
  const mode = onError ?? "stop"
  if (prepared.returnsRows) return this.runBatchRowByRow(prepared, rows, stmt, mode)
  return Effect.gen({ self: this }, function*() {
    const encoded: Array<Uint8Array> = []
    for (let r = 0; r < rows.length; r++) {
      // `encodeRows` refused streamed BYTE/TEXT values: the bind is client messages only.
      const bytes = encodeBatch([...bindMessages(rows[r]!) as Array<M.ClientMessage>, EXECUTE], this.framing)
      if (bytes instanceof CodecFailure) {
        return yield* new ParameterError({
          message: `Row ${r} cannot be encoded: ${bytes.message}`,
          row: r,
          sql: stmt.sql
        })
      }
      encoded.push(bytes)
    }
    const head = encodeBatch([id(prepared.id)], this.framing) as Uint8Array
    const tail = encodeBatch([EOT], this.framing) as Uint8Array
    const results: Array<Connection.ExecuteResult | null> = Array.from({ length: rows.length }, () => null)
    const failures: Array<{ readonly index: number; readonly error: SqlError }> = []
    const track = this.trackStatementType(prepared.statementType)
    let start = 0
    while (start < rows.length) {
      // Rows up to the byte budget (at least one), framed as `ID (BIND EXECUTE)×k EOT`.
      let end = start
      let size = head.length + tail.length
      while (end < rows.length && (end === start || size + encoded[end]!.length <= BATCH_BYTES)) {
        size += encoded[end]!.length
        end++
      }
      const bytes = new Uint8Array(size)
      bytes.set(head, 0)
      let offset = head.length
      for (let r = start; r < end; r++) {
        bytes.set(encoded[r]!, offset)
        offset += encoded[r]!.length
      }
      bytes.set(tail, offset)
      // The timeout bounds each batch's round trip, not the whole executeMany (as for a stream's pulls).
      const batchStmt = yield* renew(stmt)
      const timeout = yield* remaining(batchStmt)
      const reply = yield* this.session.exchange(bytes, { timeout, onReply: track })
      const done = splitResults(reply.messages, results, start)
      const error = replyError(reply, batchStmt)
      if (error !== undefined) {
        const failed = start + done
        failures.push({ index: failed, error })
        // A timed-out batch stops whatever `onError` says: the deadline was the caller's.
        if (mode === "stop" || reply.timedOut || failed >= rows.length - 1) break
        start = failed + 1
      } else if (done === 0 || start + done > end) {
        return yield* this.desync(
          `The server answered a batch of ${end - start} EXECUTEs with ${done} SQ_DONE messages`
        )
      } else {
        // Fewer DONEs than rows without an error: the batch ended early (SQ_ERR 100 in an ANSI database ends it);
        // the next batch resumes after the last row that ran.
        start += done
      }
    }
    if (failures.length === 0) return results as Array<Connection.ExecuteResult>
    return yield* batchError(stmt.sql, failures, results)
  })
}

/**
 * A batch of a statement that returns rows (JDBC refuses those; `execute` runs them through a cursor and discards
 * the rows): one `execute` per row, with the same error policy.
 */
export function runBatchRowByRow(
  this: ConnectionImpl,
  prepared: Prepared,
  rows: ReadonlyArray<ReadonlyArray<M.BindValue>>,
  stmt: StatementContext,
  mode: OnError
): Effect.Effect<ReadonlyArray<Connection.ExecuteResult>, InformixError> {
  return Effect.gen({ self: this }, function*() {
    const results: Array<Connection.ExecuteResult | null> = Array.from({ length: rows.length }, () => null)
    const failures: Array<{ readonly index: number; readonly error: SqlError }> = []
    for (let r = 0; r < rows.length; r++) {
      const rowStmt = yield* renew(stmt)
      const outcome = yield* Effect.result(this.executePrepared(prepared, rows[r]!, rowStmt))
      if (outcome._tag === "Success") {
        results[r] = outcome.success
        continue
      }
      if (outcome.failure._tag !== "SqlError") return yield* Effect.fail(outcome.failure)
      failures.push({ index: r, error: outcome.failure })
      if (mode === "stop") break
    }
    if (failures.length === 0) return results as Array<Connection.ExecuteResult>
    return yield* batchError(stmt.sql, failures, results)
  })
}

/** Fills `results` from the reply of one batch (one SQ_DONE per EXECUTE); returns how many rows ran. */
const splitResults = (
  reply: ReadonlyArray<Incoming>,
  results: Array<Connection.ExecuteResult | null>,
  start: number
): number => {
  let done = 0
  let from = 0
  for (let i = 0; i < reply.length; i++) {
    if (reply[i]!._tag !== "Done") continue
    // SQ_INSERTDONE (SERIAL8 / BIGSERIAL) comes before the DONE of its row.
    if (start + done < results.length) results[start + done] = executeResult(reply.slice(from, i + 1))
    done++
    from = i + 1
  }
  return done
}

const batchError = (
  sql: string,
  failures: ReadonlyArray<{ readonly index: number; readonly error: SqlError }>,
  results: ReadonlyArray<Connection.ExecuteResult | null>
): Effect.Effect<never, BatchError> => {
  const first = failures[0]!
  const others = failures.length > 1 ? ` (and ${failures.length - 1} more rows)` : ""
  return Effect.fail(
    new BatchError({
      message: `Row ${first.index} of the batch failed${others}: ${first.error.message}`,
      index: first.index,
      cause: first.error,
      failures,
      results,
      sql
    })
  )
}

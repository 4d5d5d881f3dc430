/**
 * Adapts one Informix `Connection` to effect/sql's `SqlConnection.Connection` contract.
 *
 * Every statement the SqlClient runs comes through here, already compiled (`?` placeholders + bind values), so
 * this layer only chooses the connection method and converts errors.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import type * as SqlConnection from "effect/sql/SqlConnection"
import type { SqlError } from "effect/sql/SqlError"
import * as Stream from "effect/Stream"
import type { Connection, ExecuteResult } from "../../Connection.ts"
import type { InformixError } from "../../InformixError.ts"
import { parseBatchInsert } from "./batchInsert.ts"
import { toSqlError, unknownSqlError } from "./sqlErrorMapping.ts"

type TransformRows = (<A extends object>(rows: ReadonlyArray<A>) => ReadonlyArray<A>) | undefined

/** The SqlConnection view of an Informix session, keeping a reference to the session itself. */
export interface InformixSqlConnection extends SqlConnection.Connection {
  readonly informix: Connection
  /** `ExecuteResult`, or one per row for a multi-row `sql.insert` (a batch). */
  readonly executeRaw: (
    sql: string,
    params: ReadonlyArray<unknown>
  ) => Effect.Effect<ExecuteResult | ReadonlyArray<ExecuteResult>, SqlError>
}

/** The statement effect/sql sends to begin a transaction (`SqlClient.make`'s `beginTransaction`). */
export const BEGIN_TRANSACTION = "BEGIN WORK"

const NO_ROWS: ReadonlyArray<never> = []

const executeError = (error: InformixError): SqlError => toSqlError(error, "execute")

const execute = <A>(effect: Effect.Effect<A, InformixError>): Effect.Effect<A, SqlError> =>
  Effect.mapError(effect, executeError)

// Views are cached per session: the SqlClient asks for one per statement and they hold no state of their own.
const views = new WeakMap<Connection, InformixSqlConnection>()

/** The (cached) SqlConnection view of a session. */
export const toSqlConnection = (connection: Connection): InformixSqlConnection => {
  const cached = views.get(connection)
  if (cached !== undefined) return cached
  // A multi-row `sql.insert` arrives marked by the compiler (batchInsert.ts) and runs as one batch; it returns no rows.
  const batch = (sql: string, params: ReadonlyArray<unknown>) => {
    const parsed = parseBatchInsert(sql, params)
    if (parsed === undefined) return undefined
    if (typeof parsed === "string") return Effect.fail(unknownSqlError(undefined, parsed, "execute"))
    return execute(connection.executeMany(parsed.sql, parsed.rows))
  }
  const rows = (sql: string, params: ReadonlyArray<unknown>, transformRows: TransformRows) => {
    const batched = batch(sql, params)
    if (batched !== undefined) return Effect.as(batched, [])
    const query = execute(connection.query(sql, params))
    return transformRows === undefined ? query : Effect.map(query, (rows) => transformRows(rows))
  }
  const values = (sql: string, params: ReadonlyArray<unknown>) => {
    const batched = batch(sql, params)
    return batched !== undefined ? Effect.as(batched, []) : execute(connection.values(sql, params))
  }
  const view: InformixSqlConnection = {
    informix: connection,
    execute: rows,
    // The session decides between SQ_COMMAND (no parameters) and PREPARE + cache; "unprepared" has no separate
    // wire form that would make it cheaper, so both paths are the same call. effect/sql begins its transactions
    // here: an ANSI database refuses BEGIN WORK and opens the transaction with the next statement by itself, so
    // there it is not sent (COMMIT WORK / ROLLBACK WORK still end the transaction, as IBM's JDBC does).
    executeUnprepared: (sql, params, transformRows) =>
      sql === BEGIN_TRANSACTION && connection.databaseInfo.ansi && params.length === 0
        ? Effect.succeed(NO_ROWS)
        : rows(sql, params, transformRows),
    executeValues: values,
    executeValuesUnprepared: values,
    executeRaw: (sql, params) => batch(sql, params) ?? execute(connection.execute(sql, params)),
    executeStream: (sql, params, transformRows) => {
      const batched = batch(sql, params)
      if (batched !== undefined) return Stream.fromEffectDrain(batched)
      const stream = Stream.mapError(connection.stream(sql, params), (error) => toSqlError(error, "stream"))
      return transformRows === undefined
        ? stream
        : Stream.mapArray(stream, (chunk) => transformRows(chunk) as typeof chunk)
    }
  }
  views.set(connection, view)
  return view
}

/**
 * A scripted fake `Connection` (no sockets) for pool and client unit tests: records every statement, tracks
 * BEGIN/COMMIT/ROLLBACK like a session does, lets a test flip its state (dead, draining, in a transaction), fire
 * its retire hooks, and script answers per statement.
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type { Connection, Row, State } from "../../src/Connection.ts"
import { TypeId as ConnectionTypeId } from "../../src/Connection.ts"
import { fromServerError, type InformixError } from "../../src/InformixError.ts"

export interface Fake extends Connection {
  readonly id: number
  state: State
  inTransaction: boolean
  closed: boolean
  holders: number
  /** Every statement text, in order, with its parameters. */
  readonly executed: Array<string>
  readonly params: Array<ReadonlyArray<unknown>>
  failRollback: boolean
  /** Cursors opened by `stream` and not yet closed. */
  openCursors: number
  retireNow: (cause: InformixError) => void
}

/** Scripted answer for a statement: rows, or an Informix error. */
export type Answer = (sql: string, params: ReadonlyArray<unknown>) => ReadonlyArray<Row> | InformixError

export const serverError = (sqlcode: number, isamCode = 0, parameter = "") =>
  fromServerError({ sqlcode, isamCode, offset: 0, parameter })

const isError = (u: ReadonlyArray<Row> | InformixError): u is InformixError => !Array.isArray(u)

export const makeFakes = (answer: Answer = () => []) => {
  const all: Array<Fake> = []
  const acquire = Effect.acquireRelease(
    Effect.sync(() => {
      const hooks = new Set<(cause: InformixError) => void>()
      // `state` is an accessor so that a test flipping it (draining → idle, → dead) wakes `awaitSettled`, as the
      // real session's state transitions do.
      let state: State = "idle"
      const settleWaiters = new Set<() => void>()
      const isSettled = () => state === "idle" || state === "dead"
      const run = (
        sql: string,
        params: ReadonlyArray<unknown> = []
      ): Effect.Effect<ReadonlyArray<Row>, InformixError> =>
        Effect.suspend(() => {
          fake.executed.push(sql)
          fake.params.push(params)
          if (fake.state === "dead") return Effect.fail(serverError(-25582))
          const upper = sql.toUpperCase()
          if (upper === "ROLLBACK WORK" && fake.failRollback) return Effect.fail(serverError(-255))
          if (upper === "BEGIN WORK") {
            if (fake.inTransaction) return Effect.fail(serverError(-535))
            fake.inTransaction = true
          } else if (upper === "COMMIT WORK" || upper === "ROLLBACK WORK") {
            if (!fake.inTransaction) return Effect.fail(serverError(-255))
            fake.inTransaction = false
          }
          const result = answer(sql, params)
          return isError(result) ? Effect.fail(result) : Effect.succeed(result)
        })
      const fake: Fake = {
        [ConnectionTypeId]: ConnectionTypeId,
        id: all.length,
        readOnly: false,
        database: "test",
        host: "fake",
        port: 0,
        get state() {
          return state
        },
        set state(next: State) {
          state = next
          if (!isSettled()) return
          const waiters = Array.from(settleWaiters)
          settleWaiters.clear()
          for (const waiter of waiters) waiter()
        },
        awaitSettled: Effect.callback<void>((resume) => {
          if (isSettled()) return resume(Effect.void)
          const waiter = () => resume(Effect.void)
          settleWaiters.add(waiter)
          return Effect.sync(() => void settleWaiters.delete(waiter))
        }),
        inTransaction: false,
        changedSettings: new Set(),
        resetSession: Effect.succeed(true),
        databaseInfo: {
          database: undefined,
          logged: false,
          ansi: false,
          readOnly: false,
          localeMismatch: false,
          openWarnings: 0,
          loginWarnings: 0
        },
        closed: false,
        holders: 0,
        executed: [],
        params: [],
        failRollback: false,
        openCursors: 0,
        serverInterruptSupported: false,
        serverVersion: undefined,
        deadWith: undefined,
        onRetire: (hook) => {
          hooks.add(hook)
          return () => hooks.delete(hook)
        },
        retireNow: (cause) => {
          fake.state = "dead"
          for (const hook of hooks) hook(cause)
        },
        query: (sql, params) => run(sql, params),
        values: (sql, params) => Effect.map(run(sql, params), (rows) => rows.map((row) => Object.values(row))),
        queryWithColumns: () => Effect.die("not scripted"),
        execute: (sql, params) =>
          Effect.map(run(sql, params), (rows) => ({ rowsAffected: rows.length, serial: rows.length })),
        stream: (sql, params) =>
          Stream.unwrap(Effect.map(
            Effect.acquireRelease(
              Effect.sync(() => void fake.openCursors++),
              () => Effect.sync(() => void fake.openCursors--)
            ),
            () => Stream.flatMap(Stream.fromEffect(run(sql, params)), Stream.fromIterable)
          )),
        streamValues: () => Stream.die("not scripted"),
        executeMany: () => Effect.die("not scripted"),
        scroll: () => Effect.die("not scripted"),
        prepare: () => Effect.die("not scripted"),
        createSmartLob: () => Effect.die("not scripted"),
        readSmartLob: () => Stream.die("not scripted"),
        streamBlob: () => Stream.die("not scripted"),
        readClobText: () => Effect.die("not scripted"),
        transaction: (effect) => effect,
        close: Effect.sync(() => {
          fake.closed = true
          fake.state = "dead"
        })
      }
      all.push(fake)
      return fake
    }),
    (fake) => fake.close
  )
  return { all, acquire: acquire as Effect.Effect<Fake, InformixError, Scope.Scope> }
}

export const asFake = (connection: Connection) => connection as Fake

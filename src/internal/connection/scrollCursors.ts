/* oxlint-disable no-this-in-exported-function -- these functions are ConnectionImpl methods, installed on its prototype (connectionImpl.ts) */
/**
 * Scroll cursors (SQLI.md §8.14): `ID CURNAME [BIND] SCROLL OPEN EOT`, then one `ID SFETCH EOT` per move, `ID CLOSE`
 * and `ID RELEASE` when the scope closes.
 *
 * Like IBM JDBC 15 (IfxResultSet over IfxSqli.sendScrollFetch; golden/jdbc-scroll-02…11) the client keeps the
 * position and computes every move into an absolute row number: ABSOLUTE (6) for first / prior / absolute /
 * relative and also for next (JDBC sends NEXT (1) with the wanted row number there; a real server's NEXT may answer
 * with several rows, §13 Q8, while ABSOLUTE answers with exactly one), LAST (4, target 0) for last and to learn the
 * row count (the TUPID of the last row) when a move counts from the end. A reply without a row is "no row", whatever
 * it carries besides (a bare EOT, SQ_DONE, or SQ_ERR 100: what JDBC accepts for a miss).
 *
 * @internal
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import * as Semaphore from "effect/Semaphore"
import * as Stream from "effect/Stream"
import type * as Connection from "../../Connection.ts"
import { type InformixError, UsageError } from "../../InformixError.ts"
import type { Value } from "../../InformixValue.ts"
import type * as M from "../protocol/messages.ts"
import { ScrollType } from "../protocol/opcodes.ts"
import type { ConnectionImpl } from "./connectionImpl.ts"
import { bindMessages, id, OPEN } from "./prebuiltMessages.ts"
import { toObjects } from "./results.ts"
import { retTypeMessages } from "./retType.ts"
import { renew, type StatementContext } from "./statementContext.ts"
import type { Prepared } from "./statements.ts"

const SCROLL: M.Scroll = { _tag: "Scroll" }

/** Where the cursor stands: on row `position` (0 = before the first), or after the last row. */
interface ScrollState {
  position: number
  after: boolean
  /** Rows in the result, once known (from LAST's TUPID, or a `next` that found nothing). */
  count: number | undefined
}

export function scroll(
  this: ConnectionImpl,
  sql: string,
  params?: ReadonlyArray<Connection.Parameter>,
  options?: Connection.StatementOptions
): Effect.Effect<Connection.ScrollCursor, InformixError, Scope.Scope> {
  return Effect.gen({ self: this }, function*() {
    const binds = yield* this.encodeParams(params, sql)
    const stmt = yield* this.statementContext(sql, options)
    const prepared = yield* Effect.acquireRelease(
      this.span("prepare", sql, this.owned(this.prepareStatement(stmt, binds.length))),
      (p, exit) => this.owned(this.releaseAfter(p, exit)),
      // A stalled PREPARE must stay interruptible; an id it still allocates is released as an orphan.
      { interruptible: true }
    )
    this.note(prepared.sessionSetting)
    if (!prepared.returnsRows) {
      return yield* new UsageError({
        message: "A scroll cursor needs a statement with a result set (SELECT, or EXECUTE FUNCTION returning rows)",
        sql
      })
    }
    // The cursor may be open as soon as the OPEN batch went out (even if it then failed or was interrupted): the
    // finalizer closes it, before the statement is released (finalizers run in reverse order).
    let opened = false
    yield* Effect.addFinalizer((exit) => opened ? this.owned(this.closeCursorAfter(prepared, exit)) : Effect.void)
    yield* this.span(
      "scroll",
      sql,
      this.owned(Effect.suspend(() => {
        opened = true
        return this.roundTrip(
          [id(prepared.id), { _tag: "CurName", name: this.nextCursorName() }, ...bindMessages(binds), SCROLL, OPEN],
          stmt
        )
      }))
    )
    return this.scrollCursor(prepared, stmt)
  })
}

/** The moves of an open scroll cursor on `prepared`. */
export function scrollCursor(
  this: ConnectionImpl,
  prepared: Prepared,
  stmt: StatementContext
): Connection.ScrollCursor {
  const state: ScrollState = { position: 0, after: false, count: undefined }
  // One move at a time: each reads and updates the position.
  const lock = Semaphore.makeUnsafe(1)
  const none = Effect.succeed(Option.none<Connection.Row>())

  const sfetch = (scrollType: number, target: number) =>
    Effect.gen({ self: this }, function*() {
      const moveStmt = yield* renew(stmt)
      const reply = yield* this.roundTrip(
        [
          id(prepared.id),
          // Collection/ROW columns: SQ_RET_TYPE before SFETCH too, as JDBC's sendScrollFetch does (retType.ts).
          ...retTypeMessages(prepared.columns),
          { _tag: "SFetch", scrollType, target, bufferSize: prepared.fetchBuffer }
        ],
        moveStmt
      )
      const rows: Array<Array<Value>> = []
      yield* this.decodeTuples(prepared, reply, rows, moveStmt)
      let rowNumber: number | undefined
      for (const m of reply) if (m._tag === "TupId") rowNumber = m.rowNumber
      // JDBC reads one row per scroll fetch; a reply with several keeps the last (the one TUPID numbers).
      const row = rows.length === 0 ? undefined : toObjects([rows[rows.length - 1]!], prepared.keys)[0]!
      return { row, rowNumber }
    })

  const beforeFirst = Effect.sync(() => {
    state.position = 0
    state.after = false
    return Option.none<Connection.Row>()
  })

  /** Row `target` (≥ 1) by ABSOLUTE. */
  const toRow = (target: number) =>
    Effect.map(sfetch(ScrollType.ABSOLUTE, target), ({ row, rowNumber }) => {
      if (row === undefined) {
        // Past the end. A miss right after row `position` tells the row count.
        if (state.count === undefined && !state.after && target === state.position + 1) state.count = state.position
        state.after = true
        return Option.none<Connection.Row>()
      }
      state.position = rowNumber ?? target
      state.after = false
      return Option.some(row)
    })

  const toLast = Effect.flatMap(sfetch(ScrollType.LAST, 0), ({ row, rowNumber }) => {
    if (row === undefined) {
      // An empty result: before the first and after the last row are the same place.
      state.count = 0
      state.position = 0
      state.after = false
      return none
    }
    if (rowNumber === undefined) {
      // Without the TUPID of the last row the position (and every move counted from it) is unknown.
      return this.desync("The server answered SFETCH LAST without SQ_TUPID")
    }
    state.count = rowNumber
    state.position = rowNumber
    state.after = false
    return Effect.succeed(Option.some(row))
  })

  /** The row count, fetching the last row to learn it when unknown (JDBC does the same). */
  const count = Effect.suspend(() =>
    state.count !== undefined ? Effect.succeed(state.count) : Effect.map(toLast, () => state.count ?? 0)
  )

  const checked = (name: string, n: number) =>
    Number.isSafeInteger(n)
      ? Effect.void
      : Effect.fail(
        new UsageError({ message: `${name}(${String(n)}): the row number must be a safe integer`, sql: prepared.sql })
      )

  const absoluteMove = (n: number): Effect.Effect<Option.Option<Connection.Row>, InformixError> => {
    if (n > 0) return toRow(n)
    if (n === 0) return beforeFirst
    return Effect.flatMap(count, (rows) => rows + 1 + n < 1 ? beforeFirst : toRow(rows + 1 + n))
  }

  const relativeMove = (n: number): Effect.Effect<Option.Option<Connection.Row>, InformixError> =>
    Effect.suspend(() => {
      const base = state.after ? Effect.map(count, (rows) => rows + 1) : Effect.succeed(state.position)
      return Effect.flatMap(base, (from) => {
        const target = from + n
        if (target < 1) return beforeFirst
        // relative(0) on no row (before the first, after the last) reads nothing.
        if (n === 0 && (from === 0 || state.after)) return none
        return toRow(target)
      })
    })

  const move = (effect: Effect.Effect<Option.Option<Connection.Row>, InformixError>) =>
    this.span("scrollFetch", prepared.sql, lock.withPermit(this.owned(effect)))

  const next = move(Effect.suspend(() => state.after ? none : toRow(state.position + 1)))
  const absolute = (n: number) => Effect.andThen(checked("absolute", n), move(Effect.suspend(() => absoluteMove(n))))

  return {
    sql: prepared.sql,
    columns: prepared.columns,
    position: Effect.sync(() =>
      state.after ? (state.count === undefined ? undefined : state.count + 1) : state.position
    ),
    next,
    prior: move(Effect.suspend(() => {
      if (state.after) return state.count === undefined ? toLast : toRow(state.count)
      return state.position <= 1 ? beforeFirst : toRow(state.position - 1)
    })),
    first: move(toRow(1)),
    last: move(toLast),
    absolute,
    relative: (n) => Effect.andThen(checked("relative", n), move(relativeMove(n))),
    stream: (options) =>
      Stream.fromPull(Effect.sync(() => {
        let started = false
        let ended = false
        return Effect.suspend(() => {
          if (ended) return Cause.done()
          const step = !started && options?.from !== undefined ? absolute(options.from) : next
          started = true
          return Effect.flatMap(step, (row): Effect.Effect<readonly [Connection.Row], Cause.Done> => {
            if (Option.isSome(row)) return Effect.succeed([row.value] as const)
            ended = true
            return Cause.done()
          })
        })
      }))
  }
}

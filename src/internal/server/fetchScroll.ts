/* oxlint-disable no-this-in-exported-function -- these functions are Session methods, installed on its prototype (clientSession.ts) */
/**
 * Cursor messages of the server session: SQ_CURNAME / SQ_OPEN, SQ_NFETCH over a forward cursor, SQ_SFETCH over a
 * scroll cursor, SQ_CLOSE, and the cursors closed at the end of a transaction.
 */
import * as Effect from "effect/Effect"
import type { BatchState, Session } from "./clientSession.ts"
import type { EngineCursor, EngineError } from "./engine/api.ts"
import { isEngineError } from "./engine/api.ts"
import { SLEEP_ROW, type Statement, STMT_SELECT } from "./prepareExecute.ts"
import { encodeRowPayload } from "./rowCodec.ts"
import {
  BatchFailure,
  cost,
  done,
  err,
  fromEngine,
  implicitBegin,
  SQL_BAD_STATEMENT_ID,
  SQL_CURSOR_NOT_OPEN,
  SQL_CURSOR_ROLLED_BACK,
  SQL_NOT_A_CURSOR
} from "./sessionReplies.ts"

/** Rows pulled from the engine per step; between steps the fiber yields so an interrupt can be seen. */
const ENGINE_CHUNK = 64

export interface CursorState {
  readonly name: string
  readonly scroll: boolean
  readonly hold: boolean
  /** Engine cursor; undefined for replay cursors. */
  readonly engine: EngineCursor | undefined
  /** Encoded rows already pulled but not yet sent. */
  buffer: Array<Uint8Array>
  head: number
  exhausted: boolean
  /** Rows sent so far (the final DONE's row count). */
  sent: number
  /** Scroll cursors: 1-based position of the last row sent (0 = before the first). */
  position: number
  /** Replay cursors: index of the next pre-encoded row. */
  replayNext: number
}

/**
 * The end of a transaction closes its cursors (IBM "Hold cursors" / COMMIT WORK, ROLLBACK WORK): COMMIT all but
 * those opened WITH HOLD (SQ_HOLD), ROLLBACK every one. A later fetch gets −259 (−267 after a rollback); CLOSE is
 * accepted.
 */
export function closeCursorsAtEnd(this: Session, kind: "commit" | "rollback"): void {
  for (const stmt of this.statements.values()) {
    const cursor = stmt.cursor
    if (cursor === undefined || (kind === "commit" && cursor.hold)) continue
    this.closeCursor(stmt)
    stmt.closedBy = kind
  }
}

/**
 * Closes `stmt`'s cursor and frees the BYTE/TEXT contents its rows referred to, unless `keepBlobs` (the close under
 * OPTOFC): those stay until the statement's next OPEN, CLOSE or RELEASE, for SQ_FETCHBLOB of rows already sent. IBM
 * JDBC fetches a row's BYTE/TEXT (`IfxResultSet.blobCheck`) when the row is read, which with OPTOFC comes after the
 * server closed the cursor of a result that fitted one fetch.
 */
export function closeCursor(this: Session, stmt: Statement, keepBlobs = false): void {
  const cursor = stmt.cursor
  stmt.cursor = undefined
  cursor?.engine?.close()
  if (!keepBlobs) this.blobs.release(stmt.id)
}

export function open(this: Session, state: BatchState): Effect.Effect<void, BatchFailure> {
  return Effect.gen({ self: this }, function*() {
    const { db, stmt } = yield* this.startRun(state)
    // Re-opening an open cursor closes it first (non-ANSI Informix semantics).
    this.closeCursor(stmt)
    stmt.closedBy = undefined
    const name = state.pendingCursorName ?? `_ifxs${stmt.id}`
    let engineCursor: EngineCursor | undefined
    if (stmt.kind._tag === "Engine") {
      const prepared = stmt.kind.prepared
      const scroll = state.scroll
      const wasOpen = db.engine.inTransaction
      engineCursor = yield* this.withLockWait(db, () => db.engine.openCursor(prepared, stmt.bind ?? [], { scroll }))
      implicitBegin(db, wasOpen, state.out)
    } else if (stmt.kind._tag === "Sleep") {
      // EXECUTE FUNCTION sysproc_sleep(n): the work happens at OPEN, then one row (0) is there to fetch.
      if (!stmt.kind.call.returnsRow) return yield* Effect.fail(new BatchFailure(err(SQL_NOT_A_CURSOR)))
      yield* this.sleepFor(stmt.kind.call, stmt.bind ?? [])
    }
    const sleeping = stmt.kind._tag === "Sleep"
    stmt.cursor = {
      name,
      scroll: state.scroll,
      hold: state.hold,
      engine: engineCursor,
      buffer: sleeping ? [SLEEP_ROW] : [],
      head: 0,
      exhausted: sleeping,
      sent: 0,
      position: 0,
      replayNext: 0
    }
    state.pendingCursorName = undefined
    state.scroll = false
    state.hold = false
    return undefined
  })
}

// -------------------------------------------------------------------------------------------------------------
// Fetching
// -------------------------------------------------------------------------------------------------------------

export function openCursorOrFail(this: Session): { stmt: Statement; cursor: CursorState } | BatchFailure {
  const stmt = this.current
  if (stmt === undefined) return new BatchFailure(err(SQL_BAD_STATEMENT_ID))
  if (stmt.cursor === undefined) {
    return new BatchFailure(err(stmt.closedBy === "rollback" ? SQL_CURSOR_ROLLED_BACK : SQL_CURSOR_NOT_OPEN))
  }
  return { stmt, cursor: stmt.cursor }
}

/** Pulls one chunk of rows into the cursor's buffer; marks it exhausted when nothing is left. */
export function pull(this: Session, stmt: Statement, cursor: CursorState): Effect.Effect<void, BatchFailure> {
  if (stmt.kind._tag === "Replay") {
    const rows = stmt.kind.result.payloads
    const end = Math.min(rows.length, cursor.replayNext + 1024)
    for (let i = cursor.replayNext; i < end; i++) cursor.buffer.push(rows[i]!)
    cursor.replayNext = end
    if (end === rows.length && cursor.buffer.length === cursor.head) cursor.exhausted = true
    // One yield per 1024 pre-encoded rows keeps a huge NFETCH buffer interruptible at negligible cost.
    return Effect.yieldNow
  }
  const engine = cursor.engine
  if (engine === undefined) {
    cursor.exhausted = true
    return Effect.void
  }
  const rows = engine.next(ENGINE_CHUNK)
  if (isEngineError(rows)) return Effect.fail(new BatchFailure(fromEngine(rows)))
  if (rows.length === 0) {
    cursor.exhausted = true
    return Effect.void
  }
  for (const row of rows) {
    const payload = encodeRowPayload(stmt.columns, row, this.charset, this.blobs, stmt.id)
    if (isEngineError(payload)) return Effect.fail(new BatchFailure(fromEngine(payload)))
    cursor.buffer.push(payload)
  }
  // Let the event loop run between chunks: this is where an urgent byte can interrupt a long result.
  return Effect.yieldNow
}

export function nfetch(this: Session, bufferSize: number, state: BatchState): Effect.Effect<void, BatchFailure> {
  return Effect.gen({ self: this }, function*() {
    const target = this.openCursorOrFail()
    if (target instanceof BatchFailure) return yield* Effect.fail(target)
    const { cursor, stmt } = target
    const injected = this.injectedFailure("fetch")
    if (injected !== undefined) return yield* Effect.fail(injected)
    let used = 0
    let count = 0
    while (true) {
      if (cursor.head === cursor.buffer.length) {
        cursor.buffer = []
        cursor.head = 0
        if (cursor.exhausted) break
        yield* this.pull(stmt, cursor)
        continue
      }
      const payload = cursor.buffer[cursor.head]!
      // The budget counts tuple payload bytes (SQLI.md §8.6, §13 Q9); at least one row always goes out.
      if (count > 0 && used + payload.length > bufferSize) break
      state.out.push({ _tag: "Tuple", warnings: 0, payload })
      cursor.head++
      used += payload.length
      count++
      cursor.sent++
    }
    if (cursor.exhausted && cursor.head === cursor.buffer.length) {
      state.out.push(done(cursor.sent, 0), cost())
      if (
        !cursor.scroll && stmt.statementType === STMT_SELECT && this.env.get("OPTOFC") === "1" &&
        this.ctx.config.honourOptofc
      ) {
        // OPTOFC (docs/protocol-evidence.md): the server closes a forward cursor of a prepared SELECT (IBM: OPTOFC
        // works on select cursors only) once its last row is fetched and says so with SQ_CLOSE, so the client sends
        // no CLOSE (JDBC: `SQ_CLOSERecvd` in IfxSqli.dispatchMsg, checked by executeClose). Where a real server puts
        // SQ_CLOSE in the reply is not captured; JDBC reads it anywhere.
        this.closeCursor(stmt, true)
        stmt.closedBy = "server"
        state.out.push({ _tag: "CursorClosed" })
      }
    }
    return undefined
  })
}

export function sfetch(
  this: Session,
  scrollType: number,
  target: number,
  state: BatchState
): Effect.Effect<void, BatchFailure> {
  return Effect.gen({ self: this }, function*() {
    const found = this.openCursorOrFail()
    if (found instanceof BatchFailure) return yield* Effect.fail(found)
    const { cursor, stmt } = found
    const injected = this.injectedFailure("fetch")
    if (injected !== undefined) return yield* Effect.fail(injected)
    const count = this.scrollCount(stmt, cursor)
    // Codes 1/4/6 are what JDBC 15 sends (SQLI.md §8.14); 2 PRIOR, 3 FIRST, 5 CURRENT, 7 RELATIVE follow the ESQL
    // fetch-type numbering and are unverified on the wire (§13 Q8).
    let wanted: number
    switch (scrollType) {
      case 1:
        wanted = target > 0 ? target : cursor.position + 1
        break
      case 2:
        wanted = cursor.position - 1
        break
      case 3:
        wanted = 1
        break
      case 4:
        wanted = count
        break
      case 5:
        wanted = cursor.position
        break
      case 6:
        wanted = target
        break
      case 7:
        wanted = cursor.position + target
        break
      default:
        return yield* Effect.fail(new BatchFailure(err(-408)))
    }
    if (wanted < 1 || wanted > count) {
      // Past either end: a bare EOT (JDBC accepts it; what a real server sends is §13 Q8).
      cursor.position = wanted < 1 ? 0 : count + 1
      return undefined
    }
    const payload = this.scrollRow(stmt, cursor, wanted - 1)
    if (isEngineError(payload)) return yield* Effect.fail(new BatchFailure(fromEngine(payload)))
    cursor.position = wanted
    state.out.push({ _tag: "Tuple", warnings: 0, payload }, { _tag: "TupId", rowNumber: wanted })
    return undefined
  })
}

export function scrollCount(this: Session, stmt: Statement, cursor: CursorState): number {
  if (stmt.kind._tag === "Replay") return stmt.kind.result.payloads.length
  return cursor.engine?.count ?? 0
}

export function scrollRow(
  this: Session,
  stmt: Statement,
  cursor: CursorState,
  index: number
): Uint8Array | EngineError {
  if (stmt.kind._tag === "Replay") return stmt.kind.result.payloads[index]!
  const row = cursor.engine?.row?.(index)
  if (row === undefined) {
    return { _tag: "EngineError", sqlcode: SQL_CURSOR_NOT_OPEN, isamCode: 0, offset: 0, parameter: "" }
  }
  return encodeRowPayload(stmt.columns, row, this.charset, this.blobs, stmt.id)
}

/**
 * The per-statement context every round trip carries: the SQL text (for errors and spans) and the deadline from
 * `timeout` / `queryTimeout`, restarted per round trip of a stream.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"

/** Per-statement context: SQL text (for errors and spans) and the deadline from `timeout` / `queryTimeout`. */
export interface StatementContext {
  readonly sql: string
  readonly deadline: number | undefined
  readonly timeout: Duration.Duration | undefined
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------------

export const noTimeout = (sql: string): StatementContext => ({ sql, deadline: undefined, timeout: undefined })

/** The same statement context with its deadline restarted now (per round trip of a stream). */
export const renew = (stmt: StatementContext): Effect.Effect<StatementContext> =>
  stmt.timeout === undefined
    ? Effect.succeed(stmt)
    : Effect.map(Clock.currentTimeMillis, (now) => ({ ...stmt, deadline: now + Duration.toMillis(stmt.timeout!) }))

const noDeadline: Effect.Effect<Duration.Duration | undefined> = Effect.succeed(undefined)

export const remaining = (stmt: StatementContext): Effect.Effect<Duration.Duration | undefined> =>
  stmt.deadline === undefined
    ? noDeadline
    : Effect.map(Clock.currentTimeMillis, (now) => Duration.millis(Math.max(1, stmt.deadline! - now)))

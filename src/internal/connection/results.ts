/**
 * How a reply becomes a result or a typed error: the first SQ_ERR of a reply, the `ExecuteResult` of SQ_DONE /
 * SQ_INSERTDONE, rows as objects keyed by column name, and the span name of a statement.
 *
 * @internal
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Connection from "../../Connection.ts"
import { fromServerError, SqlError } from "../../InformixError.ts"
import type { Value } from "../../InformixValue.ts"
import type * as M from "../protocol/messages.ts"
import type { StatementContext } from "./statementContext.ts"
import type { Incoming, Reply } from "./wireSession.ts"

export const isDone = (m: Incoming): m is M.Done => m._tag === "Done"

/** sqlcode 100 in SQ_ERR means NOT FOUND (0 rows), not a failure (SQLI.md §9.1). */
const firstError = (reply: ReadonlyArray<Incoming>): M.Err | undefined => {
  for (const m of reply) {
    if (m._tag === "Err" && m.sqlcode !== 100 && m.sqlcode !== 0) return m
  }
  return undefined
}

export const replyHasError = (reply: ReadonlyArray<Incoming>): boolean => firstError(reply) !== undefined

export const replyError = (reply: Reply, stmt: StatementContext): SqlError | undefined => {
  const err = firstError(reply.messages)
  if (err === undefined) return undefined
  const error = fromServerError(err, stmt.sql)
  if (err.sqlcode !== -213 || !reply.timedOut) return error
  // The statement's timeout fired and the server confirmed the interrupt: say so, keep the -213 context.
  return new SqlError({
    sqlcode: error.sqlcode,
    isamCode: error.isamCode,
    offset: error.offset,
    parameter: error.parameter,
    message: `Statement timed out after ${
      stmt.timeout === undefined ? "its deadline" : Duration.format(stmt.timeout)
    } and was interrupted on the server (${error.message})`,
    sql: stmt.sql
  })
}

/** The messages of `reply`, or its first SQ_ERR as a typed `SqlError`. */
export const replyMessages = (
  reply: Reply,
  stmt: StatementContext
): Effect.Effect<ReadonlyArray<Incoming>, SqlError> => {
  const error = replyError(reply, stmt)
  return error === undefined ? Effect.succeed(reply.messages) : Effect.fail(error)
}

export const executeResult = (reply: ReadonlyArray<Incoming>): Connection.ExecuteResult => {
  let rowsAffected = 0
  let serial: number | undefined
  let serial8: bigint | undefined
  let bigserial: bigint | undefined
  for (const m of reply) {
    if (m._tag === "Done") {
      rowsAffected = m.rows
      if (m.serial !== 0) serial = m.serial
    } else if (m._tag === "InsertDone") {
      if (m.serial8 !== null && m.serial8 !== 0n) serial8 = m.serial8
      if (m.bigserial !== 0n) bigserial = m.bigserial
    }
  }
  return {
    rowsAffected,
    ...(serial === undefined ? {} : { serial }),
    ...(serial8 === undefined ? {} : { serial8 }),
    ...(bigserial === undefined ? {} : { bigserial })
  }
}

/** Row keys: column names, with `_2`, `_3` … appended to repeated names so no value is lost. */
export const columnKeys = (fields: ReadonlyArray<M.DescribeField>): ReadonlyArray<string> => {
  const seen = new Map<string, number>()
  const used = new Set(fields.map((f) => f.name))
  return fields.map((f) => {
    const count = (seen.get(f.name) ?? 0) + 1
    seen.set(f.name, count)
    if (count === 1) return f.name
    let n = count
    let key = `${f.name}_${n}`
    while (used.has(key)) key = `${f.name}_${++n}`
    used.add(key)
    return key
  })
}

/**
 * Rows as objects keyed by `keys`. Each row is a copy of one template object holding every key (V8 clones its shape:
 * one allocation with the properties in place, instead of growing an empty object key by key), then filled in. The
 * template's keys are defined, not assigned, so a column named `__proto__` is an own property like any other.
 *
 * The first 16 columns are stored by one statement each, not by a loop: a store site that only ever sees one key
 * (while one column set is hot, as in a fetch loop or a pooled workload) keeps a monomorphic cache and costs about
 * 3 ns, where the loop's one site sees every key and pays a megamorphic lookup (about 12 ns) per value. With many
 * column sets in turn both forms cost the same (Node 26, measured for issue #17).
 */
export const toObjects = (
  rows: ReadonlyArray<ReadonlyArray<Value>>,
  keys: ReadonlyArray<string>
): Array<Connection.Row> => {
  const template = rowTemplate(keys)
  // A length, not `[]` grown by push: 6% less per row for a reply's 600 rows (issue #17 round 6).
  // oxlint-disable-next-line unicorn/no-new-array
  const out: Array<Connection.Row> = new Array(rows.length)
  const width = keys.length
  const k = keys
  for (let r = 0; r < rows.length; r++) {
    const v = rows[r]!
    const row: Record<string, Value> = { ...template }
    if (width > 0) row[k[0]!] = v[0]!
    if (width > 1) row[k[1]!] = v[1]!
    if (width > 2) row[k[2]!] = v[2]!
    if (width > 3) row[k[3]!] = v[3]!
    if (width > 4) row[k[4]!] = v[4]!
    if (width > 5) row[k[5]!] = v[5]!
    if (width > 6) row[k[6]!] = v[6]!
    if (width > 7) row[k[7]!] = v[7]!
    if (width > 8) row[k[8]!] = v[8]!
    if (width > 9) row[k[9]!] = v[9]!
    if (width > 10) row[k[10]!] = v[10]!
    if (width > 11) row[k[11]!] = v[11]!
    if (width > 12) row[k[12]!] = v[12]!
    if (width > 13) row[k[13]!] = v[13]!
    if (width > 14) row[k[14]!] = v[14]!
    if (width > 15) row[k[15]!] = v[15]!
    for (let i = 16; i < width; i++) row[k[i]!] = v[i]!
    out[r] = row
  }
  return out
}

const templates = new WeakMap<ReadonlyArray<string>, Record<string, Value>>()

const rowTemplate = (keys: ReadonlyArray<string>): Record<string, Value> => {
  let template = templates.get(keys)
  if (template === undefined) {
    template = Object.fromEntries(keys.map((key) => [key, null]))
    templates.set(keys, template)
  }
  return template
}

/** The first SQL keyword (`SELECT`, `INSERT`, …) for `db.operation.name`. */
export const operationName = (sql: string): string | undefined => {
  const match = /^\s*(?:--[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*|\{[^}]*\}\s*)*([A-Za-z]+)/.exec(sql)
  return match === null ? undefined : match[1]!.toUpperCase()
}

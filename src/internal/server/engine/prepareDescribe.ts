/* oxlint-disable no-this-in-exported-function -- these functions are Session methods, installed on its prototype (engineSession.ts) */
/**
 * PREPARE in an engine session: tokenizing, planning and translating a statement, describing a SELECT's columns
 * (running it when the translator cannot type an expression), binding parameters, and the error context of a plan.
 */
import type { SQLInputValue, StatementSync } from "node:sqlite"
import { type ColumnDescription, type EngineError, isEngineError, type Prepared, type Value } from "./api.ts"
import { CDC_DATABASE } from "./changeCapture.ts"
import { rewriteComplexLiterals } from "./complexTypes.ts"
import { attachDatabases, rewriteDatabaseNames } from "./crossDatabase.ts"
import { engineError, type ErrorContext, fromTranslateError, lockError, mapSqliteError } from "./engineErrors.ts"
import type { Session } from "./engineSession.ts"
import { type Plan, plan } from "./planner.ts"
import { describe, PreparedStatement, runtimeType } from "./prepared.ts"
import { PUSH_DATABASE } from "./pushData.ts"
import { type Token, tokenize } from "./tokenizer.ts"
import { isTranslateError } from "./translate.ts"
import { family, type IfxType, Types } from "./types.ts"
import {
  type ConversionError,
  fitToColumn,
  isConversionError,
  type Stored,
  toStorage,
  toStorageUntyped
} from "./values.ts"

const verbOf = (tokens: ReadonlyArray<Token>): ErrorContext["verb"] => {
  const first = tokens[0]?.upper
  return first === "INSERT" ? "insert" : first === "UPDATE" ? "update" : first === "DELETE" ?
    "delete" :
    first === "SELECT" || first === "WITH"
    ? "select"
    : "ddl"
}

// ---------------------------------------------------------------------------------------------------------
// prepare
// ---------------------------------------------------------------------------------------------------------

/**
 * A parameter compared with a numeric column. Informix converts it to the column's type first: a DOUBLE searched
 * in a DECIMAL(10,2) column is rounded to two decimals, so the value stored from the same host variable is found.
 * Integer and float columns keep the value (`si = 1.5` is false, not `si = 1`; SMALLFLOAT values are stored at
 * double precision here), and a value outside the column's range is compared as given (no overflow error).
 */
const compared = (value: Value, type: IfxType): Stored | ConversionError => {
  if (family(type) !== "decimal") return toStorageUntyped(value)
  const converted = toStorage(value, type)
  return isConversionError(converted) ? toStorageUntyped(value) : converted
}

export function prepare(this: Session, sql: string): Prepared | EngineError {
  // IBM: -349 "Database not selected yet." — the session was closed.
  if (this.closed) return engineError(-349)
  const scanned = tokenize(sql, { delimident: this.delimident })
  if (!Array.isArray(scanned)) return engineError(-201, { offset: scanned.offset })
  // Collection and ROW literals become one string token each (complexTypes.ts) before planning.
  const literals = rewriteComplexLiterals(scanned)
  if (!Array.isArray(literals)) return engineError(-201, { offset: (literals as { offset: number }).offset })
  const rewritten = rewriteDatabaseNames(literals, {
    current: this.database,
    serverName: this.env.serverName,
    exists: (name) => this.env.database(name) !== undefined
  })
  if (isEngineError(rewritten)) return rewritten
  const tokens = rewritten.tokens
  try {
    const attachFailed = attachDatabases(this.db, this.attached, rewritten.databases, this.env.database)
    if (attachFailed !== undefined) return attachFailed
    const prepared = this.prepareTokens(sql, tokens)
    if (!isEngineError(prepared) && tokens.some((t) => /(^|\.)SYSSESSIONS$/.test(t.upper))) {
      this.sessionReaders.add(prepared)
    }
    // A table another session created in its open transaction: Informix's catalog row is locked (a lock
    // error after the lock wait), not missing; SQLite shows the last committed schema, hence the registry.
    if (
      isEngineError(prepared) && prepared.sqlcode === -206 &&
      this.config.locks.heldByOther(this, prepared.parameter)
    ) {
      return lockError(verbOf(tokens), this.lockWaitSeconds, prepared.parameter)
    }
    return prepared
  } catch (error) {
    // Reading the catalog can meet another session's lock (its DDL transaction holds the schema): a retryable
    // lock conflict, reported like a read of the catalog tables.
    return mapSqliteError(error, {
      verb: verbOf(tokens),
      table: undefined,
      tokens,
      lockWaitSeconds: this.lockWaitSeconds
    })
  }
}

export function prepareTokens(this: Session, sql: string, tokens: ReadonlyArray<Token>): Prepared | EngineError {
  this.refreshCatalog()
  if (this.database.toLowerCase() === CDC_DATABASE) {
    const cdc = this.env.capture.prepare(this, sql, tokens)
    if (cdc !== undefined) return cdc
  }
  if (this.database.toLowerCase() === PUSH_DATABASE) {
    const task = this.env.push.prepare(this, this.user, sql, tokens)
    if (task !== undefined) return task
  }
  const routine = this.routines.prepare(sql, tokens)
  if (routine !== undefined) return routine
  const p = plan(tokens, sql, this.translateContext)
  if (isTranslateError(p)) return fromTranslateError(p)
  const errorContext = this.errorContext(p, tokens)
  if (p.kind === "dml") {
    try {
      const stmt = this.acquire(p.sql)
      this.release(p.sql, stmt)
      return new PreparedStatement(this, sql, tokens, p, [], [], p.params.length)
    } catch (error) {
      return mapSqliteError(error, errorContext)
    }
  }
  if (p.kind === "select") {
    try {
      const stmt = this.acquire(p.sql)
      try {
        const described = this.describeSelect(p, stmt)
        return new PreparedStatement(this, sql, tokens, p, described.columns, described.types, p.params.length)
      } finally {
        this.release(p.sql, stmt)
      }
    } catch (error) {
      return mapSqliteError(error, errorContext)
    }
  }
  return new PreparedStatement(this, sql, tokens, p, [], [], p.kind === "extension" ? p.paramCount ?? 0 : 0)
}

export function describeSelect(
  this: Session,
  p: Extract<Plan, { kind: "select" }>,
  stmt: StatementSync
): { columns: Array<ColumnDescription>; types: Array<IfxType> } {
  const meta = stmt.columns()
  const columns: Array<ColumnDescription> = []
  const types: Array<IfxType> = []
  const unknown: Array<number> = []
  let itemIndex = 0
  meta.forEach((col, n) => {
    let item = p.items[itemIndex]
    const nextItem = p.items[itemIndex + 1]
    if (item?.star === true && nextItem !== undefined && !nextItem.star && nextItem.alias === col.name) {
      itemIndex++
      item = nextItem
    }
    const ownItem = item !== undefined && !item.star && item.alias === col.name ? item : undefined
    if (ownItem !== undefined) itemIndex++
    const name = ownItem?.name ?? col.name
    if (col.table !== null && col.column !== null) {
      const table = col.database === "temp"
        ? this.temps.get(col.table.toLowerCase())
        : col.database !== null && col.database !== "main"
        ? this.table(`${col.database}.${col.table}`)
        : this.table(col.table)
      const column = table?.columns.find((c) => c.name.toLowerCase() === col.column!.toLowerCase())
      if (column !== undefined) {
        // An explicit cast in the select list wins over the column's own type.
        const type = ownItem?.type !== undefined && ownItem.name === "(expression)" ? ownItem.type : column.type
        columns.push(describe(name, type, type === column.type && column.notNull))
        types.push(type)
        return
      }
    }
    if (ownItem?.type !== undefined) {
      columns.push(describe(name, ownItem.type, false))
      types.push(ownItem.type)
      return
    }
    if (ownItem === undefined) {
      // A `*` column SQLite cannot trace to a base column (a view's expression): the view's catalog knows it.
      const lower = col.name.toLowerCase()
      const column = p.tables.flatMap((t) => t.columns).find((c) => c.name.toLowerCase() === lower)
      if (column !== undefined) {
        columns.push(describe(name, column.type, column.notNull))
        types.push(column.type)
        return
      }
    }
    unknown.push(n)
    columns.push(describe(name, Types.varchar(255), false))
    types.push(Types.varchar(255))
  })
  // (Not when it hands out sequence values: reading a row would consume them.)
  if (unknown.length > 0 && p.params.length === 0 && !p.sql.includes("ifx_nextval(")) {
    // Types SQLite alone knows: look at the first row (a SELECT has no side effects).
    try {
      stmt.setReturnArrays(true)
      const row = stmt.get() as Array<unknown> | undefined
      stmt.setReturnArrays(false)
      if (row !== undefined) {
        for (const n of unknown) {
          const type = runtimeType(row[n])
          types[n] = type
          columns[n] = describe(columns[n]!.name, type, false)
        }
      }
    } catch {
      stmt.setReturnArrays(false)
    }
  }
  return { columns, types }
}

export function errorContext(this: Session, p: Plan, tokens: ReadonlyArray<Token>): ErrorContext {
  return {
    verb: p.kind === "select" ? "select" : p.kind === "dml" ? p.verb : "ddl",
    table: p.kind === "dml" ? p.table : p.kind === "createIndex" ? p.table : undefined,
    tokens,
    lockWaitSeconds: this.lockWaitSeconds
  }
}

// ---------------------------------------------------------------------------------------------------------
// binding
// ---------------------------------------------------------------------------------------------------------

export function bind(
  this: Session,
  p: PreparedStatement,
  params: ReadonlyArray<Value>
): Array<SQLInputValue> | EngineError {
  if (params.length !== p.paramCount) {
    // IBM: -254 "Too many or too few host variables given."
    return engineError(-254)
  }
  const types = p.plan.kind === "select" || p.plan.kind === "dml"
    ? p.plan.params
    : p.plan.kind === "extension"
    ? p.plan.params ?? []
    : []
  const strict = p.plan.kind === "dml" ? p.plan.strictParams : undefined
  const out: Array<SQLInputValue> = []
  for (let i = 0; i < params.length; i++) {
    const type = types[i]
    const value = params[i]!
    // A parameter compared with a numeric column keeps its value (no truncation or range error); one that is
    // assigned to a column (INSERT/UPDATE SET) is converted like Informix converts host variables.
    const lenient = type !== undefined && strict?.has(i) !== true && typeof value !== "string" &&
      ["int", "bigint", "float", "decimal"].includes(family(type))
    const stored = type === undefined
      ? toStorageUntyped(value)
      : lenient
      ? compared(value, type)
      : toStorage(value, type)
    if (isConversionError(stored)) return engineError(stored.sqlcode)
    out.push(type !== undefined && strict?.has(i) === true ? fitToColumn(stored, type) : stored)
  }
  return out
}

/**
 * Statement classification and planning: decides the sqlstype (SQLI.md §8.4), parses DDL into catalog terms and
 * hands query/DML text to the Emitter (translate.ts) for rewriting.
 */
import type { ColumnInfo, TableInfo, UniqueDef } from "./catalog.ts"
import { planAlter, planCreate } from "./ddlPlanner.ts"
import { planExtension } from "./extendedStatements.ts"
import type { ExtensionPlan } from "./extension.ts"
import { informixOuterJoin } from "./outerJoin.ts"
import { buildScope } from "./scope.ts"
import { orderBySelectedNames, widenToUnionBranches } from "./selectResult.ts"
import type { Token } from "./tokenizer.ts"
import { findTopLevel, isPunct, isWord, lastIndex } from "./tokenScan.ts"
import {
  Emitter,
  isTranslateError,
  type ItemHint,
  type TranslateContext,
  type TranslateError,
  translateError
} from "./translate.ts"
import type { IfxType } from "./types.ts"

export interface ColumnDef extends ColumnInfo {
  /** SQLite column definition text (without the name). */
  readonly sqlite: string
}

export type Plan =
  | {
    readonly kind: "select"
    readonly statementType: number
    readonly sql: string
    readonly params: ReadonlyArray<IfxType | undefined>
    readonly items: ReadonlyArray<ItemHint>
    readonly intoTemp: string | undefined
    /** CREATE TABLE t AS SELECT: `intoTemp` names a permanent table. */
    readonly intoPermanent?: boolean
    /** Tables in scope: describes columns that SQLite cannot trace to a base column (e.g. view expressions). */
    readonly tables: ReadonlyArray<TableInfo>
  }
  | {
    readonly kind: "dml"
    readonly statementType: number
    readonly sql: string
    readonly params: ReadonlyArray<IfxType | undefined>
    readonly table: TableInfo | undefined
    readonly verb: "insert" | "update" | "delete"
    readonly strictParams: ReadonlySet<number>
    /** INSERT ... SELECT (rather than VALUES). */
    readonly fromSelect: boolean
  }
  | {
    readonly kind: "createTable"
    readonly statementType: number
    readonly name: string
    readonly temp: boolean
    readonly columns: ReadonlyArray<ColumnDef>
    readonly constraints: ReadonlyArray<string>
    readonly uniques: ReadonlyArray<UniqueDef>
    readonly ifNotExists: boolean
    readonly nameOffset: number
  }
  | {
    readonly kind: "dropTable"
    readonly statementType: number
    readonly name: string
    readonly ifExists: boolean
    readonly nameOffset: number
  }
  | {
    readonly kind: "createIndex"
    readonly statementType: number
    readonly name: string
    readonly table: TableInfo
    readonly unique: boolean
    readonly columns: ReadonlyArray<string>
    readonly sql: string
  }
  | {
    readonly kind: "createView"
    readonly statementType: number
    readonly name: string
    readonly columnNames: ReadonlyArray<string> | undefined
    readonly select: Extract<Plan, { kind: "select" }>
    readonly nameOffset: number
  }
  | { readonly kind: "dropView"; readonly statementType: number; readonly name: string; readonly nameOffset: number }
  | { readonly kind: "dropIndex"; readonly statementType: number; readonly name: string; readonly nameOffset: number }
  | {
    readonly kind: "alterAdd"
    readonly statementType: number
    readonly table: TableInfo
    readonly columns: ReadonlyArray<ColumnDef>
  }
  | {
    readonly kind: "tx"
    readonly statementType: number
    readonly op: "begin" | "commit" | "rollback" | "savepoint" | "rollbackTo" | "release"
    readonly name: string
  }
  | { readonly kind: "setLockMode"; readonly statementType: number; readonly seconds: number }
  | {
    readonly kind: "setIsolation"
    readonly statementType: number
    readonly level: string
    /** SET ISOLATION lasts for the session; SET TRANSACTION ISOLATION LEVEL for the current transaction only. */
    readonly scope: "session" | "transaction"
  }
  | { readonly kind: "noop"; readonly statementType: number }
  | ExtensionPlan

export const plan = (tokens: ReadonlyArray<Token>, sql: string, ctx: TranslateContext): Plan | TranslateError => {
  const first = tokens[0]!
  const end = lastIndex(tokens)
  if (first.kind === "end") return translateError(-201, 0)
  const w = (n: number) => tokens[n]
  const extended = planExtension(tokens, sql, ctx, end)
  if (extended !== undefined) return extended
  switch (first.upper) {
    case "SELECT":
    case "WITH":
      return planSelect(tokens, sql, ctx, end)
    case "(":
      return planSelect(tokens, sql, ctx, end)
    case "UPDATE":
      if (isWord(w(1), "STATISTICS")) return { kind: "noop", statementType: 30 }
      return planDml(tokens, sql, ctx, end)
    case "INSERT":
    case "DELETE":
      return planDml(tokens, sql, ctx, end)
    case "CREATE":
      return planCreate(tokens, sql, ctx, end)
    case "DROP": {
      const what = w(1)
      let i = 2
      let ifExists = false
      if (isWord(w(2), "IF") && isWord(w(3), "EXISTS")) {
        ifExists = true
        i = 4
      }
      const name = w(i)
      if (name?.kind !== "ident") return translateError(-201, name?.offset ?? 0)
      if (isWord(what, "TABLE")) {
        return { kind: "dropTable", statementType: 15, name: name.text, ifExists, nameOffset: name.offset }
      }
      if (isWord(what, "INDEX")) {
        return { kind: "dropIndex", statementType: 17, name: name.text, nameOffset: name.offset }
      }
      if (isWord(what, "VIEW")) {
        return { kind: "dropView", statementType: 41, name: name.text, nameOffset: name.offset }
      }
      return translateError(-201, what?.offset ?? 0)
    }
    case "ALTER":
      return planAlter(tokens, sql, ctx, end)
    case "BEGIN":
      return end <= 2 && (end === 1 || isWord(w(1), "WORK") || isWord(w(1), "TRANSACTION"))
        ? { kind: "tx", statementType: 34, op: "begin", name: "" }
        : translateError(-201, w(1)!.offset)
    case "START":
      return isWord(w(1), "TRANSACTION")
        ? { kind: "tx", statementType: 34, op: "begin", name: "" }
        : translateError(-201, w(1)!.offset)
    case "COMMIT":
      return end <= 2 ? { kind: "tx", statementType: 35, op: "commit", name: "" } : translateError(-201, w(2)!.offset)
    case "ROLLBACK": {
      let i = 1
      if (isWord(w(i), "WORK")) i++
      if (isWord(w(i), "TO")) {
        i++
        if (isWord(w(i), "SAVEPOINT")) i++
        const name = w(i)
        if (name?.kind !== "ident") return translateError(-201, name?.offset ?? 0)
        return { kind: "tx", statementType: 37, op: "rollbackTo", name: name.text }
      }
      return i >= end ? { kind: "tx", statementType: 36, op: "rollback", name: "" } : translateError(-201, w(i)!.offset)
    }
    case "SAVEPOINT": {
      const name = w(1)
      if (name?.kind !== "ident") return translateError(-201, name?.offset ?? 0)
      return { kind: "tx", statementType: 37, op: "savepoint", name: name.text }
    }
    case "RELEASE": {
      let i = 1
      if (isWord(w(i), "SAVEPOINT")) i++
      const name = w(i)
      if (name?.kind !== "ident") return translateError(-201, name?.offset ?? 0)
      return { kind: "tx", statementType: 37, op: "release", name: name.text }
    }
    case "SET":
      return planSet(tokens, end)
    case "LOCK":
      return { kind: "noop", statementType: 10 }
    case "UNLOCK":
      return { kind: "noop", statementType: 11 }
    case "DATABASE":
    case "CLOSE":
      // Switching databases by SQL text is not supported: the session layer opens databases with SQ_DBOPEN.
      return translateError(-201, first.offset)
    default:
      return translateError(-201, first.offset)
  }
}

const planSet = (tokens: ReadonlyArray<Token>, end: number): Plan | TranslateError => {
  const w = (n: number) => tokens[n]
  if (isWord(w(1), "LOCK") && isWord(w(2), "MODE") && isWord(w(3), "TO")) {
    if (isWord(w(4), "NOT") && isWord(w(5), "WAIT")) return { kind: "setLockMode", statementType: 46, seconds: 0 }
    if (isWord(w(4), "WAIT")) {
      const n = w(5)
      if (n?.kind === "number") return { kind: "setLockMode", statementType: 46, seconds: Number(n.text) }
      return { kind: "setLockMode", statementType: 46, seconds: -1 }
    }
    return translateError(-201, w(4)?.offset ?? 0)
  }
  let i = 1
  const scope = isWord(w(1), "TRANSACTION") ? "transaction" : "session"
  if (isWord(w(1), "TRANSACTION")) {
    i = 2
    if (isWord(w(2), "ISOLATION") && isWord(w(3), "LEVEL")) i = isWord(w(4), "TO") ? 5 : 4
    else return { kind: "noop", statementType: 48 }
  } else if (isWord(w(1), "ISOLATION")) {
    i = 2
    if (isWord(w(2), "TO")) i = 3
  } else if (isWord(w(1), "EXPLAIN")) return { kind: "noop", statementType: 50 }
  else if (isWord(w(1), "OPTIMIZATION")) return { kind: "noop", statementType: 52 }
  else if (isWord(w(1), "CONSTRAINTS")) return { kind: "noop", statementType: 55 }
  else if (isWord(w(1), "LOG")) return { kind: "noop", statementType: 49 }
  else if (isWord(w(1), "PDQPRIORITY") || isWord(w(1), "ENVIRONMENT")) return { kind: "noop", statementType: 52 }
  else return translateError(-201, w(1)?.offset ?? 0)
  const words: Array<string> = []
  for (let j = i; j < end; j++) {
    const t = tokens[j]!
    if (t.kind !== "ident") return translateError(-201, t.offset)
    words.push(t.text.toLowerCase())
  }
  const level = words.join(" ").replace(/ retain update locks$/, "")
  const known = [
    "dirty read",
    "committed read",
    "cursor stability",
    "repeatable read",
    "read uncommitted",
    "read committed",
    "serializable",
    "committed read last committed"
  ]
  if (!known.includes(level)) return translateError(-201, tokens[i]?.offset ?? 0)
  return { kind: "setIsolation", statementType: 48, level, scope }
}

export const planSelect = (
  tokens: ReadonlyArray<Token>,
  sql: string,
  ctx: TranslateContext,
  end: number
): Plan | TranslateError => {
  // INTO TEMP t [WITH NO LOG] at the end of the outermost select.
  let intoTemp: string | undefined
  // FOR UPDATE [OF cols] / FOR READ ONLY: SQLite has no row locks to take; the cursor reads as usual (the write
  // lock comes with the UPDATE ... WHERE CURRENT OF, which is not supported).
  const forClause = findTopLevel(
    tokens,
    0,
    end,
    (t) => t.kind === "ident" && t.upper === "FOR"
  )
  if (forClause >= 0 && (isWord(tokens[forClause + 1], "UPDATE") || isWord(tokens[forClause + 1], "READ"))) {
    end = forClause
  }
  let bodyEnd = end
  const into = findTopLevel(tokens, 0, end, (t) => t.kind === "ident" && t.upper === "INTO")
  if (into >= 0) {
    if (
      !(isWord(tokens[into + 1], "TEMP") || isWord(tokens[into + 1], "SCRATCH")) || tokens[into + 2]?.kind !== "ident"
    ) {
      // SELECT ... INTO host variables only exists in embedded SQL.
      return translateError(-201, tokens[into]!.offset)
    }
    intoTemp = tokens[into + 2]!.text
    bodyEnd = into
    let after = into + 3
    if (isWord(tokens[after], "WITH") && isWord(tokens[after + 1], "NO") && isWord(tokens[after + 2], "LOG")) after += 3
    if (after < end) return translateError(-201, tokens[after]!.offset)
  }
  const scope = buildScope(tokens, ctx)
  const emitter = new Emitter(tokens, sql, ctx, scope)
  const check = checkTables(tokens, ctx, bodyEnd)
  if (check !== undefined) return check
  if (!isWord(tokens[0], "SELECT")) {
    const text = emitter.emit(0, bodyEnd)
    if (isTranslateError(text)) return text
    return {
      kind: "select",
      statementType: 2,
      sql: text,
      params: emitter.params,
      items: [{ alias: "", name: "*", type: undefined, star: true }],
      intoTemp,
      tables: scope.tables.map((t) => t.table)
    }
  }
  const modifiers = emitter.selectModifiers(1)
  if (isTranslateError(modifiers)) return modifiers
  const first = emitter.selectList(modifiers.next, bodyEnd)
  if (isTranslateError(first)) return first
  const list = { ...first, items: widenToUnionBranches(tokens, emitter, first.items, first.next, bodyEnd) }
  orderBySelectedNames(tokens, emitter, list.items, list.next, bodyEnd)
  const outer = informixOuterJoin(tokens, emitter, ctx, list.next, bodyEnd)
  const rest = outer ?? emitter.emit(list.next, bodyEnd)
  if (isTranslateError(rest)) return rest
  const limit = modifiers.first !== undefined || modifiers.skip !== undefined
    ? ` LIMIT ${modifiers.first ?? "-1"}${modifiers.skip !== undefined ? ` OFFSET ${modifiers.skip}` : ""}`
    : ""
  const text = `SELECT ${modifiers.distinct ? "DISTINCT " : ""}${list.sql} ${rest}${limit}`
  return {
    kind: "select",
    statementType: 2,
    sql: text,
    params: emitter.params,
    items: list.items,
    intoTemp,
    tables: scope.tables.map((t) => t.table)
  }
}

/** -206 for the first table name (after FROM/JOIN/INTO/UPDATE) that is unknown: Informix reports it at PREPARE. */
const checkTables = (tokens: ReadonlyArray<Token>, ctx: TranslateContext, end: number): TranslateError | undefined => {
  const ctes = new Set<string>()
  for (let i = 0; i < end; i++) {
    if (isWord(tokens[i], "WITH") || (isPunct(tokens[i], ",") && isWord(tokens[i + 2], "AS"))) {
      const n = tokens[i + 1]
      if (n?.kind === "ident") ctes.add(n.upper)
    }
  }
  for (let i = 0; i < end; i++) {
    const t = tokens[i]!
    if (
      !(isWord(t, "FROM") || isWord(t, "JOIN") || isWord(t, "UPDATE") ||
        (isWord(t, "INTO") && !isWord(tokens[i + 1], "TEMP")))
    ) {
      continue
    }
    let j = i + 1
    const names: Array<Token> = []
    for (;;) {
      if (isWord(tokens[j], "OUTER")) j++
      if (isWord(tokens[j], "INFORMIX") && isPunct(tokens[j + 1], ".")) j += 2
      const n = tokens[j]
      if (n?.kind !== "ident" || isWord(n, "TABLE")) break
      names.push(n)
      j++
      if (isWord(tokens[j], "AS")) j++
      if (
        tokens[j]?.kind === "ident" &&
        ![
          "WHERE",
          "GROUP",
          "ORDER",
          "HAVING",
          "UNION",
          "JOIN",
          "INNER",
          "LEFT",
          "RIGHT",
          "FULL",
          "CROSS",
          "ON",
          "SET",
          "VALUES",
          "SELECT",
          "INTO",
          "LIMIT",
          "NATURAL",
          "OUTER",
          "USING",
          "INTERSECT",
          "EXCEPT",
          "FOR"
        ].includes(tokens[j]!.upper)
      ) j++
      if (!isPunct(tokens[j], ",") || t.upper !== "FROM") break
      j++
    }
    for (const n of names) {
      if (!ctes.has(n.upper) && ctx.table(n.text) === undefined) {
        return translateError(-206, n.offset, n.text, -111)
      }
    }
  }
  return undefined
}

const planDml = (
  tokens: ReadonlyArray<Token>,
  sql: string,
  ctx: TranslateContext,
  end: number
): Plan | TranslateError => {
  const check = checkTables(tokens, ctx, end)
  if (check !== undefined) return check
  const scope = buildScope(tokens, ctx)
  const emitter = new Emitter(tokens, sql, ctx, scope)
  const verb = tokens[0]!.upper.toLowerCase() as "insert" | "update" | "delete"
  let table: TableInfo | undefined
  let statementType = 6
  if (verb === "insert") {
    let i = 1
    if (!isWord(tokens[i], "INTO")) return translateError(-201, tokens[i]!.offset)
    i++
    if (isWord(tokens[i], "INFORMIX") && isPunct(tokens[i + 1], ".")) i += 2
    const nameToken = tokens[i]!
    table = ctx.table(nameToken.text)
    if (table === undefined) return translateError(-206, nameToken.offset, nameToken.text, -111)
    i++
    let columns: Array<ColumnInfo> = [...table.columns]
    if (isPunct(tokens[i], "(")) {
      columns = []
      i++
      while (!isPunct(tokens[i], ")")) {
        const c = tokens[i]!
        if (c.kind !== "ident") return translateError(-201, c.offset)
        const column = table.columns.find((x) => x.name.toLowerCase() === c.text.toLowerCase())
        if (column === undefined) return translateError(-217, c.offset, c.text)
        columns.push(column)
        i++
        if (isPunct(tokens[i], ",")) i++
      }
      i++
    }
    if (isWord(tokens[i], "VALUES") && isPunct(tokens[i + 1], "(")) {
      // Map single-token values to their columns for typed literal/parameter conversion.
      let n = 0
      let depth = 0
      let itemStart = i + 2
      for (let j = i + 2; j < end; j++) {
        const t = tokens[j]!
        if (isPunct(t, "(")) depth++
        else if (isPunct(t, ")") && depth > 0) depth--
        else if (depth === 0 && (isPunct(t, ",") || isPunct(t, ")"))) {
          if (j === itemStart + 1 && columns[n] !== undefined) emitter.contextTypes.set(itemStart, columns[n]!.type)
          n++
          itemStart = j + 1
          if (isPunct(t, ")")) {
            if (n !== columns.length) {
              // IBM: -236 "Number of columns in INSERT does not match number of VALUES."
              return translateError(-236, t.offset)
            }
            break
          }
        }
      }
    }
  } else if (verb === "update") {
    statementType = findTopLevel(tokens, 0, end, (t) => t.kind === "ident" && t.upper === "WHERE") < 0 ? 33 : 4
    table = scope.tables[0]?.table
    const set = findTopLevel(tokens, 0, end, (t) => t.kind === "ident" && t.upper === "SET")
    if (set >= 0 && table !== undefined) {
      for (let j = set + 1; j < end; j++) {
        const t = tokens[j]!
        if (t.kind === "ident" && tokens[j + 1]?.kind === "op" && tokens[j + 1]!.text === "=") {
          const column = table.columns.find((c) => c.name.toLowerCase() === t.text.toLowerCase())
          const value = tokens[j + 2]
          const after = tokens[j + 3]
          if (
            column !== undefined && value !== undefined &&
            (after === undefined || isPunct(after, ",") || isWord(after, "WHERE") || after.kind === "end" ||
              isPunct(after, ";"))
          ) {
            emitter.contextTypes.set(j + 2, column.type)
          }
        }
        if (isWord(t, "WHERE")) break
      }
    }
  } else {
    statementType = findTopLevel(tokens, 0, end, (t) => t.kind === "ident" && t.upper === "WHERE") < 0 ? 32 : 5
    table = scope.tables[0]?.table
  }
  // Column names are checked by SQLite (-217 mapping); SELECT inside INSERT uses the generic emitter.
  const text = emitter.emit(0, end)
  if (isTranslateError(text)) return text
  const fromSelect = verb === "insert" && tokens.some((t) => isWord(t, "SELECT"))
  return {
    kind: "dml",
    statementType,
    sql: text,
    params: emitter.params,
    table,
    verb,
    strictParams: emitter.strictParams,
    fromSelect
  }
}

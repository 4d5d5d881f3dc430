/**
 * Statement classification and planning: decides the sqlstype (SQLI.md §8.4), parses DDL into catalog terms and
 * hands query/DML text to the Emitter (translate.ts) for rewriting.
 */
import { TypeCode } from "../../values/typeCodes.ts"
import type { ColumnInfo, TableInfo, UniqueDef } from "./catalog.ts"
import { quoteIdent, type Token } from "./tokenizer.ts"
import {
  buildScope,
  Emitter,
  isTranslateError,
  type ItemHint,
  type TranslateContext,
  type TranslateError,
  translateError
} from "./translate.ts"
import { storageLiteral } from "./translate.ts"
import {
  decimalPrecision,
  decimalScale,
  family,
  type IfxType,
  isSerial,
  parseType,
  qualifierOf,
  sqliteDeclaration
} from "./types.ts"
import { isConversionError, toStorage } from "./values.ts"

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

const isWord = (t: Token | undefined, word: string) => t !== undefined && t.kind === "ident" && t.upper === word
const isPunct = (t: Token | undefined, text: string) => t !== undefined && t.kind === "punct" && t.text === text

/** Index of the last meaningful token (ignoring a trailing ';' and the end marker). */
const lastIndex = (tokens: ReadonlyArray<Token>) => {
  let n = tokens.length - 1
  while (n > 0 && (tokens[n]!.kind === "end" || isPunct(tokens[n], ";"))) n--
  return n + 1
}

export const plan = (tokens: ReadonlyArray<Token>, sql: string, ctx: TranslateContext): Plan | TranslateError => {
  const first = tokens[0]!
  const end = lastIndex(tokens)
  if (first.kind === "end") return translateError(-201, 0)
  const w = (n: number) => tokens[n]
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
  // SQ_SETROLE (IBM JDBC IfxStatementTypes): the TestServer has no roles, so any role is accepted and ignored.
  else if (isWord(w(1), "ROLE")) return { kind: "noop", statementType: 85 }
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

const findTopLevel = (tokens: ReadonlyArray<Token>, from: number, to: number, pred: (t: Token) => boolean) => {
  let depth = 0
  for (let i = from; i < to; i++) {
    const t = tokens[i]!
    if (isPunct(t, "(")) depth++
    else if (isPunct(t, ")")) depth--
    else if (depth === 0 && pred(t)) return i
  }
  return -1
}

const planSelect = (
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
  const list = emitter.selectList(modifiers.next, bodyEnd)
  if (isTranslateError(list)) return list
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

interface ColumnParse {
  readonly column: ColumnDef
  readonly constraints: Array<string>
  readonly uniques: Array<UniqueDef>
  readonly next: number
}

/** Range checks that turn SQLite's CHECK failure into Informix's conversion errors (errors.ts maps the name). */
const rangeCheck = (name: string, type: IfxType): string => {
  const q = quoteIdent(name)
  const c = (code: number, expr: string) => ` CONSTRAINT "ifx${code}_${name.replace(/"/g, "")}" CHECK (${expr})`
  switch (type.code) {
    case TypeCode.SMALLINT:
      return c(1214, `${q} BETWEEN -32767 AND 32767`)
    case TypeCode.INTEGER:
    case TypeCode.SERIAL:
      return c(1215, `${q} BETWEEN -2147483647 AND 2147483647`)
    case TypeCode.INT8:
    case TypeCode.SERIAL8:
    case TypeCode.BIGINT:
    case TypeCode.BIGSERIAL:
      return c(1215, `${q} <> -9223372036854775807 - 1`)
    case TypeCode.DATE:
      return c(1218, `${q} BETWEEN -693594 AND 2958464`)
    case TypeCode.DECIMAL:
    case TypeCode.MONEY: {
      const s = decimalScale(type)
      if (s === undefined) return ""
      const p = decimalPrecision(type)
      return p - s > 15 ? "" : c(1226, `typeof(${q}) = 'text' OR abs(${q}) < 1e${p - s}`)
    }
    default:
      return ""
  }
}

const defaultText = (
  tokens: ReadonlyArray<Token>,
  i: number,
  type: IfxType,
  user: string
): { sql: string; next: number } | TranslateError => {
  const t = tokens[i]!
  let sign = ""
  let j = i
  if (t.kind === "op" && (t.text === "-" || t.text === "+")) {
    sign = t.text
    j++
  }
  const v = tokens[j]!
  if (isWord(v, "NULL")) return { sql: "NULL", next: j + 1 }
  if (isWord(v, "TODAY")) return { sql: "(CAST(julianday('now', 'localtime') - 2415019.5 AS INTEGER))", next: j + 1 }
  if (isWord(v, "USER") || isWord(v, "CURRENT_USER")) return { sql: storageLiteral(user), next: j + 1 }
  if (isWord(v, "CURRENT") || isWord(v, "SYSDATE")) {
    const q = qualifierOf(type)
    // Full text 'YYYY-MM-DD HH:MM:SS.FFF' + '00' (FRACTION(5)); cut to the column's qualifier.
    const starts: Record<number, number> = { 0: 1, 2: 6, 4: 9, 6: 12, 8: 15, 10: 18, 12: 21 }
    const ends: Record<number, number> = { 0: 4, 2: 7, 4: 10, 6: 13, 8: 16, 10: 19 }
    const endCode = q.endCode
    const stop = endCode > 10 ? 20 + (endCode - 10) : ends[endCode]!
    const start = starts[q.startCode]!
    let next = j + 1
    while (
      tokens[next]?.kind === "ident" &&
      ["YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND", "FRACTION", "TO"].includes(tokens[next]!.upper)
    ) {
      next++
      if (isPunct(tokens[next], "(")) next += 3
    }
    return {
      sql: `(substr(strftime('%Y-%m-%d %H:%M:%f', 'now', 'localtime') || '00', ${start}, ${stop - start + 1}))`,
      next
    }
  }
  if (v.kind === "number" || v.kind === "string") {
    const text = sign + v.text
    const f = family(type)
    if (f === "char" || f === "string") return { sql: storageLiteral(text), next: j + 1 }
    const stored = toStorage(text, type)
    if (isConversionError(stored)) return translateError(stored.sqlcode, v.offset)
    return { sql: storageLiteral(stored), next: j + 1 }
  }
  if (isWord(v, "TRUE") || isWord(v, "FALSE") || isWord(v, "T") || isWord(v, "F")) {
    return { sql: v.upper.startsWith("T") ? "'t'" : "'f'", next: j + 1 }
  }
  return translateError(-201, v.offset)
}

const parseColumn = (
  tokens: ReadonlyArray<Token>,
  i: number,
  colno: number,
  tableName: string,
  ctx: TranslateContext,
  sql: string,
  counter: { n: number }
): ColumnParse | TranslateError => {
  const nameToken = tokens[i]!
  if (nameToken.kind !== "ident") return translateError(-201, nameToken.offset)
  const parsed = parseType(tokens, i + 1)
  if ("offset" in parsed) return translateError(-201, parsed.offset)
  const type = parsed.type
  let j = parsed.next
  let notNull = isSerial(type)
  let defaultSql: string | undefined
  const constraints: Array<string> = []
  const uniques: Array<UniqueDef> = []
  const checks: Array<{ expr: string; name: string }> = []
  let pending: "pk" | "unique" | "check" | undefined
  let pendingName: string | undefined
  const flushName = (kind: "pk" | "unique", explicit: string | undefined) => {
    const name = explicit ?? `u${tableName}_${++counter.n}`
    uniques.push({ name, kind: "constraint", columns: [nameToken.text] })
    constraints.push(
      `CONSTRAINT ${quoteIdent(name)} ${kind === "pk" ? "PRIMARY KEY" : "UNIQUE"} (${quoteIdent(nameToken.text)})`
    )
  }
  for (;;) {
    const t = tokens[j]!
    if (isWord(t, "NOT") && isWord(tokens[j + 1], "NULL")) {
      notNull = true
      j += 2
    } else if (isWord(t, "NULL")) j++
    else if (isWord(t, "DEFAULT")) {
      const d = defaultText(tokens, j + 1, type, ctx.user)
      if (isTranslateError(d)) return d
      defaultSql = d.sql
      j = d.next
    } else if (isWord(t, "PRIMARY") && isWord(tokens[j + 1], "KEY")) {
      notNull = true
      pending = "pk"
      j += 2
      if (!isWord(tokens[j], "CONSTRAINT")) {
        flushName("pk", undefined)
        pending = undefined
      }
    } else if (isWord(t, "UNIQUE") || isWord(t, "DISTINCT")) {
      pending = "unique"
      j++
      if (!isWord(tokens[j], "CONSTRAINT")) {
        flushName("unique", undefined)
        pending = undefined
      }
    } else if (isWord(t, "CHECK") && isPunct(tokens[j + 1], "(")) {
      const close = findClose(tokens, j + 1)
      const scope = {
        tables: [{ alias: tableName, table: provisional(tableName, [{ name: nameToken.text, colno, type, notNull }]) }]
      }
      const e = new Emitter(tokens, sql, ctx, scope).emit(j + 2, close)
      if (isTranslateError(e)) return e
      checks.push({ expr: e, name: `c${tableName}_${++counter.n}` })
      pending = "check"
      j = close + 1
    } else if (isWord(t, "REFERENCES")) {
      const ref = tokens[j + 1]
      if (ref?.kind !== "ident") return translateError(-201, ref?.offset ?? t.offset)
      j += 2
      let refCols = ""
      if (isPunct(tokens[j], "(")) {
        const close = findClose(tokens, j)
        refCols = `(${
          tokens.slice(j + 1, close).filter((x) => x.kind === "ident").map((x) => quoteIdent(x.text)).join(", ")
        })`
        j = close + 1
      }
      constraints.push(`FOREIGN KEY (${quoteIdent(nameToken.text)}) REFERENCES ${quoteIdent(ref.text)} ${refCols}`)
    } else if (isWord(t, "CONSTRAINT") && tokens[j + 1]?.kind === "ident") {
      pendingName = tokens[j + 1]!.text
      if (pending === "pk" || pending === "unique") flushName(pending, pendingName)
      else if (pending === "check") checks[checks.length - 1] = { ...checks[checks.length - 1]!, name: pendingName }
      pending = undefined
      j += 2
    } else break
  }
  void pendingName
  const sqliteParts = [sqliteDeclaration(type)]
  // SERIAL columns take NULL/0 and get their value from the trigger, so SQLite must not reject NULL there.
  if (notNull && !isSerial(type)) sqliteParts.push(`CONSTRAINT "ifxnn_${nameToken.text}" NOT NULL`)
  if (defaultSql !== undefined) sqliteParts.push(`DEFAULT ${defaultSql}`)
  for (const c of checks) sqliteParts.push(`CONSTRAINT ${quoteIdent(c.name)} CHECK (${c.expr})`)
  const range = rangeCheck(nameToken.text, type)
  if (range !== "") sqliteParts.push(range.trim())
  return {
    column: { name: nameToken.text, colno, type, notNull, sqlite: sqliteParts.join(" ") },
    constraints,
    uniques,
    next: j
  }
}

const findClose = (tokens: ReadonlyArray<Token>, open: number) => {
  let depth = 0
  for (let i = open; i < tokens.length; i++) {
    if (isPunct(tokens[i], "(")) depth++
    else if (isPunct(tokens[i], ")")) {
      depth--
      if (depth === 0) return i
    }
  }
  return tokens.length - 1
}

const provisional = (name: string, columns: ReadonlyArray<ColumnInfo>): TableInfo => ({
  name,
  tabid: 0,
  temp: false,
  columns,
  uniques: []
})

const identList = (
  tokens: ReadonlyArray<Token>,
  open: number
): { names: Array<string>; next: number } | TranslateError => {
  const close = findClose(tokens, open)
  const names: Array<string> = []
  for (let i = open + 1; i < close; i++) {
    const t = tokens[i]!
    if (t.kind === "ident") {
      if (!["ASC", "DESC"].includes(t.upper)) names.push(t.text)
    } else if (!isPunct(t, ",")) return translateError(-201, t.offset)
  }
  return { names, next: close + 1 }
}

const planCreate = (
  tokens: ReadonlyArray<Token>,
  sql: string,
  ctx: TranslateContext,
  end: number
): Plan | TranslateError => {
  let i = 1
  let temp = false
  let unique = false
  if (isWord(tokens[i], "TEMP") || isWord(tokens[i], "SCRATCH")) {
    temp = true
    i++
  } else if (isWord(tokens[i], "STANDARD") || isWord(tokens[i], "RAW")) i++
  if (isWord(tokens[i], "UNIQUE") || isWord(tokens[i], "DISTINCT")) {
    unique = true
    i++
  }
  if (isWord(tokens[i], "CLUSTER")) i++
  if (isWord(tokens[i], "VIEW") && !temp && !unique) return planView(tokens, sql, ctx, i + 1, end)
  if (isWord(tokens[i], "INDEX")) {
    const name = tokens[i + 1]
    if (name?.kind !== "ident" || !isWord(tokens[i + 2], "ON")) return translateError(-201, tokens[i + 1]?.offset ?? 0)
    const tableToken = tokens[i + 3]!
    const table = ctx.table(tableToken.text)
    if (table === undefined) return translateError(-206, tableToken.offset, tableToken.text, -111)
    if (!isPunct(tokens[i + 4], "(")) return translateError(-201, tokens[i + 4]!.offset)
    const cols = identList(tokens, i + 4)
    if (isTranslateError(cols)) return cols
    for (const c of cols.names) {
      if (!table.columns.some((x) => x.name.toLowerCase() === c.toLowerCase())) {
        const tok = tokens.find((x) => x.kind === "ident" && x.text === c)
        return translateError(-217, tok?.offset ?? 0, c)
      }
    }
    const body = tokens.slice(i + 5, cols.next - 1).map((
      t
    ) => (t.kind === "ident" ? (["ASC", "DESC"].includes(t.upper) ? t.upper : quoteIdent(t.text)) : t.text)).join(" ")
    const indexSql = `CREATE ${unique ? "UNIQUE " : ""}INDEX ${table.temp ? "temp." : ""}${quoteIdent(name.text)} ON ${
      quoteIdent(table.name)
    } (${body})`
    return {
      kind: "createIndex",
      statementType: 16,
      name: name.text,
      table,
      unique,
      columns: cols.names,
      sql: indexSql
    }
  }
  if (!isWord(tokens[i], "TABLE")) return translateError(-201, tokens[i]?.offset ?? 0)
  i++
  let ifNotExists = false
  if (isWord(tokens[i], "IF") && isWord(tokens[i + 1], "NOT") && isWord(tokens[i + 2], "EXISTS")) {
    ifNotExists = true
    i += 3
  }
  const nameToken = tokens[i]!
  if (nameToken.kind !== "ident") return translateError(-201, nameToken.offset)
  i++
  if (!isPunct(tokens[i], "(")) return translateError(-201, tokens[i]!.offset)
  const close = findClose(tokens, i)
  i++
  const columns: Array<ColumnDef> = []
  const constraints: Array<string> = []
  const uniques: Array<UniqueDef> = []
  const counter = { n: 0 }
  while (i < close) {
    const t = tokens[i]!
    const tableConstraint = isWord(t, "PRIMARY") || isWord(t, "UNIQUE") || isWord(t, "DISTINCT") ||
      isWord(t, "CHECK") ||
      isWord(t, "FOREIGN") || isWord(t, "CONSTRAINT")
    if (tableConstraint) {
      let j = i
      let explicit: string | undefined
      if (isWord(tokens[j], "CONSTRAINT")) {
        explicit = tokens[j + 1]?.text
        j += 2
      }
      const k = tokens[j]!
      let text: string
      let kind: "pk" | "unique" | "check" | "fk"
      if (isWord(k, "PRIMARY") || isWord(k, "UNIQUE") || isWord(k, "DISTINCT")) {
        kind = isWord(k, "PRIMARY") ? "pk" : "unique"
        const open = kind === "pk" ? j + 2 : j + 1
        const cols = identList(tokens, open)
        if (isTranslateError(cols)) return cols
        j = cols.next
        if (isWord(tokens[j], "CONSTRAINT")) {
          explicit = tokens[j + 1]?.text
          j += 2
        }
        const name = explicit ?? `u${nameToken.text}_${++counter.n}`
        uniques.push({ name, kind: "constraint", columns: cols.names })
        if (kind === "pk") {
          for (const c of columns) {
            if (cols.names.some((n) => n.toLowerCase() === c.name.toLowerCase()) && !c.notNull) {
              columns[columns.indexOf(c)] = {
                ...c,
                notNull: true,
                sqlite: `${c.sqlite} CONSTRAINT "ifxnn_${c.name}" NOT NULL`
              }
            }
          }
        }
        text = `CONSTRAINT ${quoteIdent(name)} ${kind === "pk" ? "PRIMARY KEY" : "UNIQUE"} (${
          cols.names.map(quoteIdent).join(", ")
        })`
      } else if (isWord(k, "CHECK")) {
        kind = "check"
        const cclose = findClose(tokens, j + 1)
        const scope = { tables: [{ alias: nameToken.text, table: provisional(nameToken.text, columns) }] }
        const e = new Emitter(tokens, sql, ctx, scope).emit(j + 2, cclose)
        if (isTranslateError(e)) return e
        j = cclose + 1
        if (isWord(tokens[j], "CONSTRAINT")) {
          explicit = tokens[j + 1]?.text
          j += 2
        }
        text = `CONSTRAINT ${quoteIdent(explicit ?? `c${nameToken.text}_${++counter.n}`)} CHECK (${e})`
      } else if (isWord(k, "FOREIGN") && isWord(tokens[j + 1], "KEY")) {
        kind = "fk"
        const cols = identList(tokens, j + 2)
        if (isTranslateError(cols)) return cols
        j = cols.next
        if (!isWord(tokens[j], "REFERENCES")) return translateError(-201, tokens[j]!.offset)
        const ref = tokens[j + 1]!
        j += 2
        let refCols = ""
        if (isPunct(tokens[j], "(")) {
          const r = identList(tokens, j)
          if (isTranslateError(r)) return r
          refCols = `(${r.names.map(quoteIdent).join(", ")})`
          j = r.next
        }
        if (isWord(tokens[j], "CONSTRAINT")) j += 2
        text = `FOREIGN KEY (${cols.names.map(quoteIdent).join(", ")}) REFERENCES ${quoteIdent(ref.text)} ${refCols}`
      } else return translateError(-201, k.offset)
      void kind
      constraints.push(text)
      i = j
    } else {
      const parsed = parseColumn(tokens, i, columns.length + 1, nameToken.text, ctx, sql, counter)
      if (isTranslateError(parsed)) return parsed
      if (columns.some((c) => c.name.toLowerCase() === parsed.column.name.toLowerCase())) {
        // IBM: -246? No: -329? The catalog's "-310 Table already exists" is for tables; duplicate columns are -246? Use -201.
        return translateError(-201, t.offset, t.text)
      }
      // IBM: a table has at most one SERIAL and one SERIAL8 or BIGSERIAL column.
      if (
        (parsed.column.type.code === TypeCode.SERIAL && columns.some((c) => c.type.code === TypeCode.SERIAL)) ||
        (family8(parsed.column) && columns.some(family8))
      ) return translateError(-201, t.offset, t.text)
      columns.push(parsed.column)
      constraints.push(...parsed.constraints)
      uniques.push(...parsed.uniques)
      i = parsed.next
    }
    if (isPunct(tokens[i], ",")) i++
    else if (i !== close) return translateError(-201, tokens[i]!.offset)
  }
  // Trailing storage options (WITH NO LOG, IN dbspace, EXTENT SIZE, LOCK MODE ...) mean nothing here.
  void end
  return {
    kind: "createTable",
    statementType: temp ? 45 : 14,
    name: nameToken.text,
    temp,
    columns,
    constraints,
    uniques,
    ifNotExists,
    nameOffset: nameToken.offset
  }
}

const family8 = (c: ColumnInfo) => c.type.code === TypeCode.SERIAL8 || c.type.code === TypeCode.BIGSERIAL

const planAlter = (
  tokens: ReadonlyArray<Token>,
  sql: string,
  ctx: TranslateContext,
  end: number
): Plan | TranslateError => {
  if (!isWord(tokens[1], "TABLE")) return translateError(-201, tokens[1]?.offset ?? 0)
  const nameToken = tokens[2]!
  const table = ctx.table(nameToken.text)
  if (table === undefined) return translateError(-206, nameToken.offset, nameToken.text, -111)
  if (!isWord(tokens[3], "ADD")) return translateError(-201, tokens[3]?.offset ?? 0)
  let i = 4
  const parenthesised = isPunct(tokens[i], "(")
  const stop = parenthesised ? findClose(tokens, i) : end
  if (parenthesised) i++
  const columns: Array<ColumnDef> = []
  const counter = { n: 100 }
  while (i < stop) {
    const parsed = parseColumn(tokens, i, table.columns.length + columns.length + 1, table.name, ctx, sql, counter)
    if (isTranslateError(parsed)) return parsed
    if (parsed.constraints.length > 0 || isSerial(parsed.column.type)) return translateError(-201, tokens[i]!.offset)
    if (table.columns.some((c) => c.name.toLowerCase() === parsed.column.name.toLowerCase())) {
      // IBM: -328 "Column (%s) already exists in the table."
      return translateError(-328, tokens[i]!.offset, parsed.column.name)
    }
    columns.push(parsed.column)
    i = parsed.next
    if (isPunct(tokens[i], ",")) i++
    else if (i !== stop) return translateError(-201, tokens[i]!.offset)
  }
  return { kind: "alterAdd", statementType: 29, table, columns }
}

/** CREATE VIEW name [(columns)] AS SELECT ... [WITH CHECK OPTION] */
const planView = (
  tokens: ReadonlyArray<Token>,
  sql: string,
  ctx: TranslateContext,
  i: number,
  end: number
): Plan | TranslateError => {
  const nameToken = tokens[i]!
  if (nameToken.kind !== "ident") return translateError(-201, nameToken.offset)
  let j = i + 1
  let columnNames: Array<string> | undefined
  if (isPunct(tokens[j], "(")) {
    const cols = identList(tokens, j)
    if (isTranslateError(cols)) return cols
    columnNames = cols.names
    j = cols.next
  }
  if (!isWord(tokens[j], "AS")) return translateError(-201, tokens[j]!.offset)
  let stop = end
  if (isWord(tokens[stop - 3], "WITH") && isWord(tokens[stop - 2], "CHECK") && isWord(tokens[stop - 1], "OPTION")) {
    stop -= 3
  }
  const body = [...tokens.slice(j + 1, stop), tokens[tokens.length - 1]!]
  const select = planSelect(body, sql, ctx, body.length - 1)
  if (isTranslateError(select)) return select
  if (select.kind !== "select" || select.intoTemp !== undefined || select.params.length > 0) {
    return translateError(-201, tokens[j + 1]?.offset ?? 0)
  }
  return {
    kind: "createView",
    statementType: 40,
    name: nameToken.text,
    columnNames,
    select,
    nameOffset: nameToken.offset
  }
}

const clauseKeywords = new Set([
  "WHERE",
  "GROUP",
  "HAVING",
  "ORDER",
  "UNION",
  "INTERSECT",
  "EXCEPT",
  "LIMIT",
  "FOR",
  "INTO"
])

/** Top-level split of tokens[from, to) at tokens matching `at` (BETWEEN ... AND is kept together for AND). */
const splitTopLevel = (
  tokens: ReadonlyArray<Token>,
  from: number,
  to: number,
  at: (t: Token) => boolean
): Array<[number, number]> => {
  const out: Array<[number, number]> = []
  let depth = 0
  let start = from
  let between = false
  for (let i = from; i < to; i++) {
    const t = tokens[i]!
    if (isPunct(t, "(")) depth++
    else if (isPunct(t, ")")) depth--
    else if (depth === 0 && isWord(t, "BETWEEN")) between = true
    else if (depth === 0 && at(t)) {
      if (isWord(t, "AND") && between) {
        between = false
        continue
      }
      out.push([start, i])
      start = i + 1
    }
  }
  out.push([start, to])
  return out
}

/**
 * Informix's own outer-join syntax, `FROM a, OUTER b WHERE a.k = b.k`, as `FROM a LEFT JOIN b ON a.k = b.k`.
 * Every top-level WHERE conjunct that mentions the subservient table becomes part of its join condition, so it
 * does not remove rows of the dominant tables (IBM "Informix-extension outer joins"). Only single tables after
 * OUTER; `OUTER (a, b)` nesting is answered with -201. Returns undefined when the FROM clause has no OUTER.
 */
const informixOuterJoin = (
  tokens: ReadonlyArray<Token>,
  emitter: Emitter,
  ctx: TranslateContext,
  fromIndex: number,
  end: number
): string | TranslateError | undefined => {
  if (!isWord(tokens[fromIndex], "FROM")) return undefined
  let fromEnd = findTopLevel(tokens, fromIndex + 1, end, (t) => t.kind === "ident" && clauseKeywords.has(t.upper))
  if (fromEnd < 0) fromEnd = end
  const items = splitTopLevel(tokens, fromIndex + 1, fromEnd, (t) => isPunct(t, ","))
  if (!items.some(([a]) => isWord(tokens[a], "OUTER"))) return undefined
  const inner: Array<[number, number]> = []
  const outers: Array<
    { range: [number, number]; alias: string; table: TableInfo | undefined; on: Array<[number, number]> }
  > = []
  for (const [a, b] of items) {
    if (!isWord(tokens[a], "OUTER")) {
      inner.push([a, b])
      continue
    }
    if (isPunct(tokens[a + 1], "(") || tokens[a + 1]?.kind !== "ident") {
      return translateError(-201, tokens[a + 1]!.offset)
    }
    const name = tokens[a + 1]!
    const last = tokens[b - 1]!
    outers.push({
      range: [a + 1, b],
      alias: b - (a + 1) >= 2 && last.kind === "ident" ? last.text : name.text,
      table: ctx.table(name.text),
      on: []
    })
  }
  const innerColumns = new Set(
    inner.flatMap(([a]) => ctx.table(tokens[a]!.text)?.columns.map((c) => c.name.toLowerCase()) ?? [])
  )
  const mentions = (range: [number, number], o: (typeof outers)[number]) => {
    for (let i = range[0]; i < range[1]; i++) {
      const t = tokens[i]!
      if (t.kind !== "ident") continue
      if (isPunct(tokens[i + 1], ".") && t.text.toLowerCase() === o.alias.toLowerCase()) return true
      const unqualified = !isPunct(tokens[i - 1], ".") && !isPunct(tokens[i + 1], ".") && !isPunct(tokens[i + 1], "(")
      const lower = t.text.toLowerCase()
      if (unqualified && !innerColumns.has(lower) && o.table?.columns.some((c) => c.name.toLowerCase() === lower)) {
        return true
      }
    }
    return false
  }
  const remaining: Array<[number, number]> = []
  let whereEnd = fromEnd
  if (isWord(tokens[fromEnd], "WHERE")) {
    whereEnd = findTopLevel(
      tokens,
      fromEnd + 1,
      end,
      (t) => t.kind === "ident" && clauseKeywords.has(t.upper) && t.upper !== "WHERE"
    )
    if (whereEnd < 0) whereEnd = end
    for (const conjunct of splitTopLevel(tokens, fromEnd + 1, whereEnd, (t) => isWord(t, "AND"))) {
      const owner = outers.find((o) => mentions(conjunct, o))
      if (owner !== undefined) owner.on.push(conjunct)
      else remaining.push(conjunct)
    }
  }
  const emitAll = (ranges: ReadonlyArray<[number, number]>, separator: string): string | TranslateError => {
    const texts: Array<string> = []
    for (const [a, b] of ranges) {
      const text = emitter.emit(a, b)
      if (isTranslateError(text)) return text
      texts.push(`(${text})`)
    }
    return texts.join(separator)
  }
  const innerText = []
  for (const [a, b] of inner) {
    const text = emitter.emit(a, b)
    if (isTranslateError(text)) return text
    innerText.push(text)
  }
  let sqlText = `FROM ${innerText.join(", ")}`
  for (const o of outers) {
    const table = emitter.emit(o.range[0], o.range[1])
    if (isTranslateError(table)) return table
    const on = emitAll(o.on, " AND ")
    if (isTranslateError(on)) return on
    sqlText += ` LEFT JOIN ${table} ON ${on === "" ? "1" : on}`
  }
  if (remaining.length > 0) {
    const where = emitAll(remaining, " AND ")
    if (isTranslateError(where)) return where
    sqlText += ` WHERE ${where}`
  }
  const tail = emitter.emit(whereEnd, end)
  if (isTranslateError(tail)) return tail
  return `${sqlText} ${tail}`
}

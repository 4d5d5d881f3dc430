/**
 * Planning of the DDL statements the engine supports: CREATE TABLE / TEMP TABLE (column definitions, defaults,
 * checks, serial columns), CREATE INDEX, ALTER TABLE ADD and CREATE VIEW, into the plans of planner.ts.
 */
import { TypeCode } from "../../values/typeCodes.ts"
import type { ColumnInfo, TableInfo, UniqueDef } from "./catalog.ts"
import { storageLiteral } from "./literalTypes.ts"
import { type ColumnDef, type Plan, planSelect } from "./planner.ts"
import { quoteIdent, type Token } from "./tokenizer.ts"
import { findClose, isPunct, isWord } from "./tokenScan.ts"
import { Emitter, isTranslateError, type TranslateContext, type TranslateError, translateError } from "./translate.ts"
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
import { typedTableTokens } from "./userTypes.ts"
import { isConversionError, toStorage } from "./values.ts"

interface ColumnParse {
  readonly column: ColumnDef
  readonly constraints: Array<string>
  readonly uniques: Array<UniqueDef>
  readonly next: number
}

/** Range checks that turn SQLite's CHECK failure into Informix's conversion errors (engineErrors.ts maps the name). */
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
  type: IfxType
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
  // The inserting session's user (IBM: DEFAULT USER is evaluated at INSERT), not the creator's (builtins.ts).
  if (isWord(v, "USER") || isWord(v, "CURRENT_USER")) return { sql: "(ifx_user())", next: j + 1 }
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

export const parseColumn = (
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
  const parsed = parseType(tokens, i + 1, ctx.userType)
  if ("offset" in parsed) {
    // A name where the type goes that is neither built in nor a user type: IBM −9628 "Type (name) not found."
    const at = tokens[i + 1]
    const unknownType = at?.kind === "ident" && parsed.offset === at.offset && !isPunct(tokens[i + 2], "(")
    return unknownType ? translateError(-9628, at.offset, at.text) : translateError(-201, parsed.offset)
  }
  const type = parsed.type
  let j = parsed.next
  let notNull = isSerial(type)
  let defaultSql: string | undefined
  const constraints: Array<string> = []
  const uniques: Array<UniqueDef> = []
  const checks: Array<{ expr: string; name: string }> = []
  let pending: "pk" | "unique" | "check" | "fk" | undefined
  let fkIndex = -1
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
      const d = defaultText(tokens, j + 1, type)
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
      fkIndex = constraints.length
      constraints.push(`FOREIGN KEY (${quoteIdent(nameToken.text)}) REFERENCES ${quoteIdent(ref.text)} ${refCols}`)
      pending = "fk"
    } else if (isWord(t, "CONSTRAINT") && tokens[j + 1]?.kind === "ident") {
      pendingName = tokens[j + 1]!.text
      if (pending === "pk" || pending === "unique") flushName(pending, pendingName)
      else if (pending === "check") checks[checks.length - 1] = { ...checks[checks.length - 1]!, name: pendingName }
      else if (pending === "fk") constraints[fkIndex] = `CONSTRAINT ${quoteIdent(pendingName)} ${constraints[fkIndex]}`
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

export const provisional = (name: string, columns: ReadonlyArray<ColumnInfo>): TableInfo => ({
  name,
  tabid: 0,
  temp: false,
  columns,
  uniques: []
})

export const identList = (
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

export const planCreate = (
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
  if (isWord(tokens[i], "AS")) {
    // CREATE [TEMP] TABLE t AS SELECT ...: the select's result columns become the table's (like INTO TEMP).
    const body = [...tokens.slice(i + 1, end), tokens[tokens.length - 1]!]
    const select = planSelect(body, sql, ctx, body.length - 1)
    if (isTranslateError(select)) return select
    if (select.kind !== "select" || select.intoTemp !== undefined) return translateError(-201, tokens[i + 1]!.offset)
    return { ...select, statementType: temp ? 45 : 14, intoTemp: nameToken.text, intoPermanent: !temp }
  }
  if (isWord(tokens[i], "OF") && isWord(tokens[i + 1], "TYPE")) {
    // A typed table: the named ROW type's fields become the columns (userTypes.ts).
    const typed = typedTableTokens(tokens, i, end, ctx.userType)
    if (isTranslateError(typed)) return typed
    return planCreate(typed, sql, ctx, typed.length - (tokens.length - end))
  }
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
        if (isWord(tokens[j], "CONSTRAINT")) {
          explicit = tokens[j + 1]?.text
          j += 2
        }
        // Named, so ALTER TABLE ... DROP CONSTRAINT can find it (tableDdl.ts).
        text = `CONSTRAINT ${quoteIdent(explicit ?? `r${nameToken.text}_${++counter.n}`)} FOREIGN KEY (${
          cols.names.map(quoteIdent).join(", ")
        }) REFERENCES ${quoteIdent(ref.text)} ${refCols}`
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

export const planAlter = (
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

/**
 * Informix SQL → SQLite SQL, on tokens (see tokenizer.ts). Only targeted rewrites: everything SQLite already
 * understands the same way passes through. The translator also infers Informix types of select-list items and of
 * '?' parameters (from the column they are compared with or inserted into), because SQLite cannot describe them.
 *
 * Rewrites (docs/sql-subset.md lists the subset):
 *   SELECT [SKIP n] [FIRST n | LIMIT n] [UNIQUE]   → SELECT [DISTINCT] ... LIMIT n OFFSET m
 *   x::type, CAST(x AS type)                       → ifx_cast(x, source type, target type)   (storage conversion)
 *   a / b                                          → ifx_div(a, b)    (Informix divides integers exactly)
 *   DATETIME(...) q1 TO q2, INTERVAL(...) q        → canonical storage constants
 *   TODAY, CURRENT [q], SYSDATE, USER              → ifx_today(), ifx_current(q), 'user'
 *   DBINFO(...)                                    → ifx_dbinfo(...) or constants
 *   SUBSTRING(x FROM a FOR b), TRIM(LEADING c FROM x) → substr / ltrim / rtrim / trim
 *   TABLE(SET{1})                                  → (SELECT 1)   (Informix's one-row table, used by JDBC)
 *   x MATCHES p                                    → x GLOB p     (same wildcard language: * ? [..])
 *   TRUE / FALSE                                   → 't' / 'f'    (BOOLEAN storage)
 *   informix.name                                  → name         (owner prefix)
 *   literals/params compared with a typed column   → converted to that column's storage (DATE '2024-01-02' etc.)
 */
import * as Predicate from "effect/Predicate"
import { Qualifier } from "../../../InformixValue.ts"
import { TypeCode } from "../../values/typeCodes.ts"
import { builtinType, rewriteBuiltin, type Rewritten } from "./builtins.ts"
import type { TableInfo } from "./catalog.ts"
import { inferSequence, rewriteSequence } from "./sequences.ts"
import { rewriteSynonym } from "./synonyms.ts"
import { matchParen, quoteString, type Token } from "./tokenizer.ts"
import {
  currentQualifier,
  decimalScale,
  family,
  type IfxType,
  parseQualifierTokens,
  parseType,
  Types
} from "./types.ts"
import { isConversionError, type Stored, toStorage, type Value } from "./values.ts"

export interface TranslateContext {
  readonly table: (name: string) => TableInfo | undefined
  readonly user: string
  readonly dbname: string
  readonly serverVersion: string
  readonly hostName: string
  /** DBSERVERNAME / SITENAME (default "ol_test"). */
  readonly serverName?: string | undefined
  /** The sequence of that name (sequences.ts), for `seq.NEXTVAL` / `seq.CURRVAL`. */
  readonly sequence?: ((name: string) => string | undefined) | undefined
  /** The base table of a synonym (synonyms.ts). */
  readonly synonym?: ((name: string) => string | undefined) | undefined
}

/** A translation failure: an Informix error to report. */
export interface TranslateError {
  readonly _tag: "TranslateError"
  readonly sqlcode: number
  readonly isamCode: number
  readonly offset: number
  readonly parameter: string
}

export const translateError = (sqlcode: number, offset: number, parameter = "", isamCode = 0): TranslateError => ({
  _tag: "TranslateError",
  sqlcode,
  isamCode,
  offset,
  parameter
})

export const isTranslateError = (u: unknown): u is TranslateError => Predicate.isTagged(u, "TranslateError")

/** A select-list item as the describe reports it. */
export interface ItemHint {
  /** Internal alias used in the SQLite SQL ("_c<n>") or the user's alias / column name. */
  readonly alias: string
  /** Name reported to the client: alias, column name, "(constant)", "(expression)", "(count(*))" ... */
  readonly name: string
  readonly type: IfxType | undefined
  /** `*` / `t.*` items: described from SQLite's origin metadata. */
  readonly star: boolean
}

const yearToFraction5 = new Qualifier("YEAR", "FRACTION", { fractionDigits: 5 })
const dayToFraction5 = new Qualifier("DAY", "FRACTION", { leadingPrecision: 9, fractionDigits: 5 })

const keywordsNotFunctions = new Set([
  "AND",
  "OR",
  "NOT",
  "IN",
  "EXISTS",
  "ON",
  "WHERE",
  "SELECT",
  "FROM",
  "AS",
  "THEN",
  "ELSE",
  "WHEN",
  "CASE",
  "HAVING",
  "BY",
  "IS",
  "LIKE",
  "BETWEEN",
  "SET",
  "INTO",
  "UNION",
  "ALL",
  "ANY",
  "SOME",
  "JOIN",
  "USING",
  "END",
  "DISTINCT",
  "UNIQUE",
  "ESCAPE",
  "MATCHES"
])

/** Types whose storage differs from the literal text: a string compared with them is converted. */
const temporal = new Set(["date", "datetime", "interval", "boolean", "decimal"])

const comparisonOps = new Set(["=", "==", "<>", "!=", "<", ">", "<=", ">="])
const clauseEnd = new Set([
  "FROM",
  "WHERE",
  "GROUP",
  "HAVING",
  "ORDER",
  "UNION",
  "INTERSECT",
  "EXCEPT",
  "INTO",
  "LIMIT",
  "FOR"
])

interface Part {
  text: string
  readonly from: number
  to: number
  /** Set when the part is an identifier that may be a function name. */
  readonly callable: boolean
}

const isPunct = (t: Token | undefined, text: string) => t !== undefined && t.kind === "punct" && t.text === text
const isOp = (t: Token | undefined, text: string) => t !== undefined && t.kind === "op" && t.text === text
const isWord = (t: Token | undefined, word: string) => t !== undefined && t.kind === "ident" && t.upper === word

/** Scope for resolving column names: every table named after FROM / JOIN / UPDATE / INTO, with aliases. */
export interface Scope {
  readonly tables: ReadonlyArray<{ readonly alias: string; readonly table: TableInfo }>
}

export const buildScope = (tokens: ReadonlyArray<Token>, ctx: TranslateContext): Scope => {
  const tables: Array<{ alias: string; table: TableInfo }> = []
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!
    if (t.kind !== "ident" || !["FROM", "JOIN", "UPDATE", "INTO", "TABLE", ","].includes(t.upper)) {
      if (!(t.kind === "punct" && t.text === "," && tables.length > 0)) continue
    }
    let j = i + 1
    if (isWord(tokens[j], "OUTER")) j++
    if (isWord(tokens[j], "INFORMIX") && isPunct(tokens[j + 1], ".")) j += 2
    const nameToken = tokens[j]
    if (nameToken?.kind !== "ident") continue
    const table = ctx.table(nameToken.text)
    if (table === undefined) continue
    let alias = nameToken.text
    let k = j + 1
    if (isWord(tokens[k], "AS")) k++
    const aliasToken = tokens[k]
    if (
      aliasToken?.kind === "ident" &&
      !clauseEnd.has(aliasToken.upper) &&
      !["ON", "JOIN", "INNER", "LEFT", "RIGHT", "FULL", "CROSS", "NATURAL", "OUTER", "SET", "VALUES", "USING"].includes(
        aliasToken.upper
      )
    ) alias = aliasToken.text
    tables.push({ alias, table })
  }
  return { tables }
}

export const resolveColumn = (scope: Scope, qualifier: string | undefined, name: string): IfxType | undefined => {
  const lower = name.toLowerCase()
  for (const { alias, table } of scope.tables) {
    if (
      qualifier !== undefined && alias.toLowerCase() !== qualifier.toLowerCase() &&
      table.name.toLowerCase() !== qualifier.toLowerCase()
    ) continue
    const column = table.columns.find((c) => c.name.toLowerCase() === lower)
    if (column !== undefined) return column.type
  }
  return undefined
}

const decimalLiteralType = (text: string): IfxType => {
  if (/[eE]/.test(text)) return Types.float
  const [whole = "", fraction = ""] = text.split(".")
  const digits = (whole.replace(/^0+/, "") + fraction).length || 1
  return Types.decimal(Math.min(32, Math.max(digits, fraction.length)), fraction.length)
}

const numberLiteralType = (text: string): IfxType => {
  if (/^\d+$/.test(text)) {
    const n = BigInt(text)
    return n <= 2147483647n ? Types.integer : n <= 9223372036854775807n ? Types.int8 : decimalLiteralType(text)
  }
  return decimalLiteralType(text)
}

/** SQLite literal of a stored value. */
export const storageLiteral = (v: Stored): string => {
  if (v === null) return "NULL"
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : v.toPrecision(17)
  if (typeof v === "bigint") return String(v)
  if (typeof v === "string") return quoteString(v)
  return `X'${Buffer.from(v).toString("hex")}'`
}

/** A SERIAL operand's value type (a parameter is never itself a SERIAL). */
const withoutSerial = (t: IfxType | undefined): IfxType | undefined =>
  t?.code === TypeCode.SERIAL
    ? Types.integer
    : t?.code === TypeCode.SERIAL8
    ? Types.int8
    : t?.code === TypeCode.BIGSERIAL
    ? Types.bigint
    : t

const dbinfoType = (arg: string): IfxType =>
  arg === "serial8" ? Types.int8 : arg === "bigserial" ? Types.bigint : arg.startsWith("sqlca.") || arg === "sessionid"
    ? Types.integer
    : arg === "utc_current"
    ? Types.integer
    : Types.varchar(255)

const argRanges = (tokens: ReadonlyArray<Token>, open: number, close: number): Array<[number, number]> => {
  const ranges: Array<[number, number]> = []
  let start = open + 1
  let depth = 0
  for (let i = open + 1; i < close; i++) {
    const t = tokens[i]!
    if (t.kind === "punct" && t.text === "(") depth++
    else if (t.kind === "punct" && t.text === ")") depth--
    else if (depth === 0 && t.kind === "punct" && t.text === ",") {
      ranges.push([start, i])
      start = i + 1
    }
  }
  if (close > open + 1) ranges.push([start, close])
  return ranges
}

/** One type for several alternative results (CASE, DECODE, NVL): character types widen to the longest. */
const combineTypes = (types: ReadonlyArray<IfxType | undefined>): IfxType | undefined => {
  const known = types.filter((t): t is IfxType => t !== undefined)
  if (known.length === 0) return undefined
  const lengths = known.map(charLength)
  if (lengths.every((l) => l !== undefined)) {
    const max = Math.max(...(lengths as Array<number>))
    if (known.every((t) => t.code === TypeCode.CHAR || t.code === TypeCode.NCHAR)) return Types.char(max)
    return max <= 255 ? Types.varchar(max) : Types.lvarchar(max)
  }
  return known[0]
}

const charLength = (t: IfxType | undefined): number | undefined => {
  if (t === undefined) return undefined
  if (t.code === TypeCode.CHAR || t.code === TypeCode.NCHAR) return t.length
  if (t.code === TypeCode.VARCHAR || t.code === TypeCode.NVARCHAR) return t.length & 0xff
  return undefined
}

export class Emitter {
  readonly tokens: ReadonlyArray<Token>
  readonly sql: string
  readonly ctx: TranslateContext
  readonly scope: Scope
  /** Parameter types by parameter ordinal (0-based). */
  readonly params: Array<IfxType | undefined> = []
  /** Parameters assigned to a column (INSERT values, UPDATE SET): converted strictly, with range errors. */
  readonly strictParams = new Set<number>()
  /** Types imposed on a literal/param token by the statement shape (INSERT values, UPDATE SET). */
  readonly contextTypes = new Map<number, IfxType>()
  private paramOrdinal = new Map<number, number>()

  constructor(tokens: ReadonlyArray<Token>, sql: string, ctx: TranslateContext, scope: Scope) {
    this.tokens = tokens
    this.sql = sql
    this.ctx = ctx
    this.scope = scope
    let n = 0
    tokens.forEach((t, i) => {
      if (t.kind === "param") this.paramOrdinal.set(i, n++)
    })
    this.params.length = n
  }

  get paramCount() {
    return this.paramOrdinal.size
  }

  /** Type of the column a literal / '?' at token k is compared with, if any. */
  private contextType(k: number): IfxType | undefined {
    const fixed = this.contextTypes.get(k)
    if (fixed !== undefined) return fixed
    const tk = this.tokens
    const columnBefore = (end: number): IfxType | undefined => {
      const t = tk[end]
      if (t?.kind !== "ident") return undefined
      if (isPunct(tk[end - 1], ".") && tk[end - 2]?.kind === "ident") {
        return resolveColumn(this.scope, tk[end - 2]!.text, t.text)
      }
      return resolveColumn(this.scope, undefined, t.text)
    }
    const before = tk[k - 1]
    if (
      before !== undefined && ((before.kind === "op" && comparisonOps.has(before.text)) ||
        isWord(before, "LIKE") || isWord(before, "MATCHES"))
    ) {
      let end = k - 2
      if (isWord(tk[end], "NOT")) end--
      const found = columnBefore(end)
      if (found !== undefined) return found
    }
    if (isWord(before, "BETWEEN")) return columnBefore(k - 2)
    if (isWord(before, "AND") && isWord(tk[k - 3], "BETWEEN")) return columnBefore(k - 4)
    const after = tk[k + 1]
    if (after?.kind === "op" && comparisonOps.has(after.text)) {
      const c = tk[k + 2]
      if (c?.kind === "ident" && !isPunct(tk[k + 3], "(")) {
        if (isPunct(tk[k + 3], ".") && tk[k + 4]?.kind === "ident") {
          return resolveColumn(this.scope, c.text, tk[k + 4]!.text)
        }
        return resolveColumn(this.scope, undefined, c.text)
      }
    }
    // x IN (a, ?, b): find the enclosing "( " preceded by IN and a column.
    let depth = 0
    for (let i = k - 1; i >= 0; i--) {
      const t = tk[i]!
      if (isPunct(t, ")")) depth++
      else if (isPunct(t, "(")) {
        if (depth === 0) {
          let j = i - 1
          if (!isWord(tk[j], "IN")) return undefined
          j--
          if (isWord(tk[j], "NOT")) j--
          return columnBefore(j)
        }
        depth--
      } else if (
        depth === 0 && !(isPunct(t, ",") || t.kind === "string" || t.kind === "number" || t.kind === "param")
      ) {
        return undefined
      }
    }
    return undefined
  }

  private literalFor(k: number, value: Value, fallback: string): string | TranslateError {
    const type = this.contextType(k)
    if (type === undefined) return fallback
    const f = family(type)
    if (f === "char" || f === "string" || f === "bytes") return fallback
    // In a comparison only text needs converting (to the column's storage form); a number compared with a
    // SMALLINT must stay what it is (`si = 1.5`, `si < 40000` are valid conditions, not assignments).
    if (!this.contextTypes.has(k) && (this.tokens[k]!.kind !== "string" || !temporal.has(f))) return fallback
    const stored = toStorage(value, type)
    if (isConversionError(stored)) return translateError(stored.sqlcode, this.tokens[k]!.offset)
    return storageLiteral(stored)
  }

  /** Emits tokens[from, to) as SQLite SQL. */
  emit(from: number, to: number): string | TranslateError {
    const parts = this.parts(from, to)
    if (isTranslateError(parts)) return parts
    return parts.map((p) => p.text).join(" ")
  }

  private parts(from: number, to: number): Array<Part> | TranslateError {
    const tk = this.tokens
    const parts: Array<Part> = []
    let limit: { first?: string; skip?: string } | undefined
    let i = from
    while (i < to) {
      const t = tk[i]!
      if (t.kind === "end" || isPunct(t, ";")) {
        i++
        continue
      }
      // Binary operators that need their operands: '::' and '/'.
      if (isOp(t, "::")) {
        const left = parts.pop()
        if (left === undefined) return translateError(-201, t.offset)
        const parsed = parseType(tk, i + 1)
        if ("offset" in parsed) return translateError(-201, parsed.offset)
        parts.push(this.cast(left, parsed.type, parsed.next))
        i = parsed.next
        continue
      }
      if (isOp(t, "/")) {
        const left = parts.pop()
        if (left === undefined) return translateError(-201, t.offset)
        const right = this.operand(i + 1, to)
        if (isTranslateError(right)) return right
        parts.push({ text: `ifx_div(${left.text}, ${right.text})`, from: left.from, to: right.to, callable: false })
        i = right.to
        continue
      }
      // DATETIME/DATE ± INTERVAL and DATETIME − DATETIME need calendar arithmetic (storage is text / day numbers).
      if ((isOp(t, "+") || isOp(t, "-")) && parts.length > 0 && this.isOperandEnd(i - 1)) {
        const left = parts[parts.length - 1]!
        const right = this.operand(i + 1, to)
        if (isTranslateError(right)) return right
        const lt = this.inferRange(left.from, left.to).type
        const rt = this.inferRange(right.from, right.to).type
        const lf = lt === undefined ? undefined : family(lt)
        const rf = rt === undefined ? undefined : family(rt)
        if (
          lt !== undefined && rt !== undefined &&
          (lf === "datetime" || rf === "datetime" || (lf === "date" && rf === "interval") ||
            (lf === "interval" && rf === "date"))
        ) {
          parts.pop()
          parts.push({
            text:
              `ifx_dtarith(${left.text}, ${lt.code}, ${lt.length}, ${right.text}, ${rt.code}, ${rt.length}, '${t.text}')`,
            from: left.from,
            to: right.to,
            callable: false
          })
          i = right.to
          continue
        }
      }
      if (isWord(t, "SELECT")) {
        parts.push({ text: "SELECT", from: i, to: i + 1, callable: false })
        i++
        const modifiers = this.selectModifiers(i)
        if (isTranslateError(modifiers)) return modifiers
        i = modifiers.next
        if (modifiers.distinct) parts.push({ text: "DISTINCT", from: i, to: i, callable: false })
        if (modifiers.first !== undefined || modifiers.skip !== undefined) {
          limit ??= {}
          if (modifiers.first !== undefined) limit.first = modifiers.first
          if (modifiers.skip !== undefined) limit.skip = modifiers.skip
        }
        continue
      }
      const primary = this.primary(i, to)
      if (isTranslateError(primary)) return primary
      // Function call: an identifier followed by a parenthesised group is one primary.
      const last = parts[parts.length - 1]
      if (last !== undefined && last.callable && primary.part.text.startsWith("(") && primary.part.from === i) {
        last.text += primary.part.text
        last.to = primary.next
      } else if (isPunct(t, ".") && last !== undefined && tk[i + 1] !== undefined) {
        // qualified name a.b
        const next = tk[i + 1]!
        last.text += "." + (next.kind === "op" ? next.text : next.text)
        last.to = i + 2
        i += 2
        continue
      } else {
        parts.push(primary.part)
      }
      i = primary.next
    }
    if (limit !== undefined) {
      parts.push({
        text: `LIMIT ${limit.first ?? "-1"}${limit.skip !== undefined ? ` OFFSET ${limit.skip}` : ""}`,
        from: to,
        to,
        callable: false
      })
    }
    return parts
  }

  /** Whether tokens[k] can end a left operand (so a following + or - is binary). */
  private isOperandEnd(k: number): boolean {
    const t = this.tokens[k]
    if (t === undefined) return false
    if (t.kind === "number" || t.kind === "string" || t.kind === "param") return true
    if (t.kind === "punct") return t.text === ")"
    if (t.kind === "ident") return !keywordsNotFunctions.has(t.upper) || t.upper === "END"
    return false
  }

  /** The right operand of a binary operator: [sign] primary [call parens] [.name] [::type ...]. */
  private operand(start: number, to: number): { text: string; from: number; to: number } | TranslateError {
    const tk = this.tokens
    let j = start
    let sign = ""
    if (isOp(tk[j], "-") || isOp(tk[j], "+")) {
      sign = tk[j]!.text
      j++
    }
    const right = this.primary(j, to)
    if (isTranslateError(right)) return right
    let part: Part = { ...right.part }
    let next = right.next
    if (part.callable && isPunct(tk[next], "(")) {
      const call = this.primary(next, to)
      if (isTranslateError(call)) return call
      part = { text: part.text + call.part.text, from: part.from, to: call.next, callable: false }
      next = call.next
    }
    while (isPunct(tk[next], ".") && tk[next + 1] !== undefined) {
      part = { text: `${part.text}.${tk[next + 1]!.text}`, from: part.from, to: next + 2, callable: false }
      next += 2
    }
    while (isOp(tk[next], "::")) {
      const parsed = parseType(tk, next + 1)
      if ("offset" in parsed) return translateError(-201, parsed.offset)
      part = this.cast({ ...part, to: next }, parsed.type, parsed.next)
      next = parsed.next
    }
    return { text: sign + part.text, from: start, to: next }
  }

  /** SKIP n / FIRST n / LIMIT n / UNIQUE / DISTINCT after SELECT. */
  selectModifiers(i: number): { next: number; first?: string; skip?: string; distinct: boolean } | TranslateError {
    const tk = this.tokens
    let first: string | undefined
    let skip: string | undefined
    let distinct = false
    for (;;) {
      const t = tk[i]!
      const arg = tk[i + 1]
      const isCount = arg !== undefined && (arg.kind === "number" || arg.kind === "param")
      if ((isWord(t, "SKIP") || isWord(t, "FIRST") || isWord(t, "LIMIT")) && isCount) {
        const value = arg.kind === "param" ? `?${this.paramOrdinal.get(i + 1)! + 1}` : arg.text
        if (arg.kind === "param") this.params[this.paramOrdinal.get(i + 1)!] = Types.integer
        if (t.upper === "SKIP") skip = value
        else first = value
        i += 2
        continue
      }
      if (isWord(t, "UNIQUE") || isWord(t, "DISTINCT")) {
        distinct = true
        i++
        continue
      }
      if (isWord(t, "ALL")) {
        i++
        continue
      }
      break
    }
    return {
      next: i,
      distinct,
      ...(first !== undefined ? { first } : {}),
      ...(skip !== undefined ? { skip } : {})
    }
  }

  private cast(part: Part, target: IfxType, to: number): Part {
    const source = this.inferRange(part.from, part.to)
    const src = source.type
    return {
      text: `ifx_cast(${part.text}, ${src?.code ?? -1}, ${
        src?.length ?? 0
      }, ${target.code}, ${target.length}, ${target.xid})`,
      from: part.from,
      to,
      callable: false
    }
  }

  /** One primary starting at tokens[i]. */
  private primary(i: number, to: number): { part: Part; next: number } | TranslateError {
    const tk = this.tokens
    const t = tk[i]!
    const simple = (text: string, next = i + 1, callable = false) => ({
      part: { text, from: i, to: next, callable },
      next
    })
    switch (t.kind) {
      case "string": {
        const lit = this.literalFor(i, t.text, quoteString(t.text))
        return isTranslateError(lit) ? lit : simple(lit)
      }
      case "number": {
        const lit = this.literalFor(i, t.text, t.text)
        return isTranslateError(lit) ? lit : simple(lit)
      }
      case "param": {
        const ordinal = this.paramOrdinal.get(i)!
        this.params[ordinal] ??= this.contextType(i)
        if (this.contextTypes.has(i)) this.strictParams.add(ordinal)
        return simple(`?${ordinal + 1}`)
      }
      case "op":
        return simple(t.text === "==" ? "=" : t.text)
      case "punct": {
        if (t.text === "(") {
          const close = matchParen(tk, i)
          if (close < 0 || close > to) return translateError(-201, t.offset)
          const inner = this.emit(i + 1, close)
          if (isTranslateError(inner)) return inner
          return simple(`(${inner})`, close + 1)
        }
        if (t.text === "{" || t.text === "}" || t.text === "[" || t.text === "]") return translateError(-201, t.offset)
        return simple(t.text)
      }
      case "end":
        return simple("")
      case "ident":
        return this.identifier(i)
    }
  }

  private identifier(i: number): { part: Part; next: number } | TranslateError {
    const tk = this.tokens
    const t = tk[i]!
    const simple = (text: string, next = i + 1, callable = false) => ({
      part: { text, from: i, to: next, callable },
      next
    })
    const followedByParen = isPunct(tk[i + 1], "(")
    const extended = this.rewriteExtension(i)
    if (extended !== undefined) {
      if (isTranslateError(extended)) return extended
      return simple(extended.text, extended.next)
    }
    switch (t.upper) {
      case "INFORMIX":
        if (isPunct(tk[i + 1], ".") && tk[i + 2]?.kind === "ident") return simple(tk[i + 2]!.text, i + 3, true)
        break
      case "TODAY":
        return simple("ifx_today()")
      case "SYSDATE":
        return simple(`ifx_current(${yearToFraction5.encoded})`)
      case "CURRENT": {
        if (isWord(tk[i + 1], "ROW") || isWord(tk[i + 1], "OF")) break
        const q = parseQualifierTokens(tk, i + 1)
        if ("offset" in q) return simple(`ifx_current(${currentQualifier.encoded})`)
        return simple(`ifx_current(${q.qualifier.encoded})`, q.next)
      }
      case "USER":
      case "CURRENT_USER":
        return simple(quoteString(this.ctx.user))
      case "TRUE":
      case "FALSE":
        if (!followedByParen) return simple(t.upper === "TRUE" ? "'t'" : "'f'")
        break
      case "MATCHES":
        return simple("GLOB")
      case "DATETIME":
      case "INTERVAL": {
        if (!followedByParen) break
        const close = matchParen(tk, i + 1)
        if (close < 0) return translateError(-201, t.offset)
        const text = this.sql.slice(tk[i + 1]!.end, tk[close]!.offset)
        const q = parseQualifierTokens(tk, close + 1)
        if ("offset" in q) return translateError(-201, q.offset)
        const type = t.upper === "DATETIME" ? Types.datetime(q.qualifier) : Types.interval(q.qualifier)
        const stored = toStorage(text.trim(), type)
        if (isConversionError(stored)) return translateError(stored.sqlcode, t.offset)
        return simple(storageLiteral(stored), q.next)
      }
      case "CAST": {
        if (!followedByParen) break
        const close = matchParen(tk, i + 1)
        if (close < 0) return translateError(-201, t.offset)
        let asIndex = -1
        let depth = 0
        for (let j = i + 2; j < close; j++) {
          if (isPunct(tk[j], "(")) depth++
          else if (isPunct(tk[j], ")")) depth--
          else if (depth === 0 && isWord(tk[j], "AS")) asIndex = j
        }
        if (asIndex < 0) return translateError(-201, t.offset)
        const inner = this.emit(i + 2, asIndex)
        if (isTranslateError(inner)) return inner
        const parsed = parseType(tk, asIndex + 1)
        if ("offset" in parsed) return translateError(-201, parsed.offset)
        if (parsed.next !== close) return translateError(-201, tk[parsed.next]!.offset)
        const cast = this.cast({ text: inner, from: i + 2, to: asIndex, callable: false }, parsed.type, close + 1)
        return { part: { ...cast, from: i }, next: close + 1 }
      }
      case "DBINFO": {
        if (!followedByParen) break
        const close = matchParen(tk, i + 1)
        const arg = tk[i + 2]
        if (close < 0 || arg?.kind !== "string") return translateError(-201, t.offset)
        const name = arg.text.toLowerCase()
        const second = tk[i + 4]?.kind === "string" ? tk[i + 4]!.text.toLowerCase() : undefined
        switch (name) {
          case "sqlca.sqlerrd1":
          case "sqlca.sqlerrd2":
          case "serial8":
          case "bigserial":
          case "utc_current":
          case "sessionid":
            return simple(`ifx_dbinfo(${quoteString(name)})`, close + 1)
          case "dbname":
            return simple(quoteString(this.ctx.dbname), close + 1)
          case "dbhostname":
            return simple(quoteString(this.ctx.hostName), close + 1)
          case "version": {
            const v = this.ctx.serverVersion
            const [major = "", minor = "", level = ""] = v.split(".")
            const text = second === "full"
              ? `IBM Informix Dynamic Server Version ${v}`
              : second === "server-type"
              ? "IBM Informix Dynamic Server"
              : second === "major"
              ? major
              : second === "minor"
              ? minor
              : second === "level"
              ? level
              : v
            return simple(quoteString(text), close + 1)
          }
          default:
            // IBM: -728 "Unknown first argument of dbinfo(%s)."
            return translateError(-728, arg.offset, arg.text)
        }
      }
      case "SUBSTRING": {
        if (!followedByParen) break
        const close = matchParen(tk, i + 1)
        if (close < 0) return translateError(-201, t.offset)
        let fromIndex = -1
        let forIndex = -1
        let depth = 0
        for (let j = i + 2; j < close; j++) {
          if (isPunct(tk[j], "(")) depth++
          else if (isPunct(tk[j], ")")) depth--
          else if (depth === 0 && isWord(tk[j], "FROM") && fromIndex < 0) fromIndex = j
          else if (depth === 0 && isWord(tk[j], "FOR")) forIndex = j
        }
        if (fromIndex < 0) break
        const x = this.emit(i + 2, fromIndex)
        const a = this.emit(fromIndex + 1, forIndex < 0 ? close : forIndex)
        const b = forIndex < 0 ? undefined : this.emit(forIndex + 1, close)
        if (isTranslateError(x)) return x
        if (isTranslateError(a)) return a
        if (b !== undefined && isTranslateError(b)) return b
        return simple(`substr(${x}, ${a}${b === undefined ? "" : `, ${b}`})`, close + 1)
      }
      case "TRIM": {
        if (!followedByParen) break
        const close = matchParen(tk, i + 1)
        if (close < 0) return translateError(-201, t.offset)
        let fromIndex = -1
        let depth = 0
        for (let j = i + 2; j < close; j++) {
          if (isPunct(tk[j], "(")) depth++
          else if (isPunct(tk[j], ")")) depth--
          else if (depth === 0 && isWord(tk[j], "FROM")) fromIndex = j
        }
        if (fromIndex < 0) break
        let j = i + 2
        let fn = "trim"
        if (isWord(tk[j], "LEADING")) {
          fn = "ltrim"
          j++
        } else if (isWord(tk[j], "TRAILING")) {
          fn = "rtrim"
          j++
        } else if (isWord(tk[j], "BOTH")) j++
        const chars = j < fromIndex ? this.emit(j, fromIndex) : "' '"
        const x = this.emit(fromIndex + 1, close)
        if (isTranslateError(chars)) return chars
        if (isTranslateError(x)) return x
        return simple(`${fn}(${x}, ${chars})`, close + 1)
      }
      case "EXTEND": {
        // EXTEND(x, q1 TO q2) = a cast to DATETIME q1 TO q2.
        if (!followedByParen) break
        const close = matchParen(tk, i + 1)
        const comma = argRanges(tk, i + 1, close)
        if (close < 0 || comma.length !== 2) return translateError(-201, t.offset)
        const [[a, b], [qa]] = comma as [[number, number], [number, number]]
        const q = parseQualifierTokens(tk, qa)
        if ("offset" in q) return translateError(-201, q.offset)
        const inner = this.emit(a, b)
        if (isTranslateError(inner)) return inner
        const cast = this.cast({ text: inner, from: a, to: b, callable: false }, Types.datetime(q.qualifier), close + 1)
        return { part: { ...cast, from: i }, next: close + 1 }
      }
      case "TABLE": {
        // TABLE(SET{1}) / TABLE(MULTISET{...}): Informix's collection-derived table; only the one-row form.
        if (!followedByParen) break
        const close = matchParen(tk, i + 1)
        if (close < 0) return translateError(-201, t.offset)
        return simple("(SELECT 1 AS \"unit\")", close + 1)
      }
      default:
        break
    }
    return simple(t.text, i + 1, !keywordsNotFunctions.has(t.upper))
  }

  /** Built-ins and sequence operators kept in their own modules (builtins.ts, sequences.ts). */
  private rewriteExtension(i: number): Rewritten | TranslateError | undefined {
    const host = {
      tokens: this.tokens,
      serverName: this.ctx.serverName ?? "ol_test",
      emit: (a: number, b: number) => this.emit(a, b),
      inferRange: (a: number, b: number) => this.inferRange(a, b)
    }
    const sequence = rewriteSequence(this.tokens, i, this.ctx.sequence) ??
      rewriteSynonym(this.tokens, i, this.ctx.synonym)
    if (sequence !== undefined) return sequence
    return rewriteBuiltin(host, i) as Rewritten | TranslateError | undefined
  }

  /** Informix type of the expression tokens[from, to) (undefined when unknown). */
  inferRange(from: number, to: number): { type: IfxType | undefined; name: string } {
    const tk = this.tokens
    const expression = "(expression)"
    if (to <= from) return { type: undefined, name: expression }
    const t = tk[from]!
    const single = to === from + 1
    if (single) {
      switch (t.kind) {
        case "number":
          return { type: numberLiteralType(t.text), name: "(constant)" }
        case "string":
          return { type: Types.char(Math.max(1, t.text.length)), name: "(constant)" }
        case "param":
          return { type: this.params[this.paramOrdinal.get(from)!], name: expression }
        case "ident": {
          switch (t.upper) {
            case "TODAY":
              return { type: Types.date, name: expression }
            case "CURRENT":
            case "SYSDATE":
              return { type: Types.datetime(currentQualifier), name: expression }
            case "USER":
            case "CURRENT_USER":
              return { type: Types.varchar(32), name: expression }
            case "DBSERVERNAME":
            case "SITENAME":
              return { type: Types.varchar(128), name: expression }
            case "NULL":
              return { type: undefined, name: "(constant)" }
            case "TRUE":
            case "FALSE":
              return { type: Types.boolean, name: "(constant)" }
          }
          return { type: resolveColumn(this.scope, undefined, t.text), name: t.text }
        }
        default:
          return { type: undefined, name: expression }
      }
    }
    const sequenceType = inferSequence(tk, from, to, this.ctx.sequence)
    if (sequenceType !== undefined) return { type: sequenceType, name: expression }
    if (
      t.kind === "ident" && to === from + 3 && isPunct(tk[from + 1], ".") && tk[from + 2]?.kind === "ident"
    ) {
      if (t.upper === "INFORMIX") return { type: undefined, name: tk[from + 2]!.text }
      return { type: resolveColumn(this.scope, t.text, tk[from + 2]!.text), name: tk[from + 2]!.text }
    }
    if ((isOp(t, "-") || isOp(t, "+")) && to === from + 2 && tk[from + 1]!.kind === "number") {
      return { type: numberLiteralType(tk[from + 1]!.text), name: "(constant)" }
    }
    // Trailing ::type applies to everything before it at depth 0 (it binds tightest, but a trailing cast
    // decides the type of a simple `x::t` item).
    let depth = 0
    let lastCast = -1
    const operators: Array<number> = []
    for (let i = from; i < to; i++) {
      const x = tk[i]!
      if (isPunct(x, "(")) depth++
      else if (isPunct(x, ")")) depth--
      else if (depth === 0 && isOp(x, "::")) lastCast = i
      else if (depth === 0 && x.kind === "op" && ["+", "-", "*", "/", "||"].includes(x.text) && i > from) {
        const prev = tk[i - 1]!
        const unary = prev.kind === "op" || (prev.kind === "punct" && prev.text !== ")") ||
          (prev.kind === "ident" && keywordsNotFunctions.has(prev.upper))
        if (!unary) operators.push(i)
      }
    }
    if (lastCast >= 0 && operators.every((o) => o < lastCast)) {
      const parsed = parseType(tk, lastCast + 1)
      if (!("offset" in parsed) && parsed.next === to && operators.length === 0) {
        const inner = this.inferRange(from, lastCast)
        return { type: parsed.type, name: inner.name === "(constant)" ? "(constant)" : "(expression)" }
      }
    }
    if (operators.length > 0) return { type: this.arithmetic(from, to, operators), name: expression }
    if (isOp(t, "-") || isOp(t, "+")) {
      const inner = this.inferRange(from + 1, to)
      return { type: inner.type, name: inner.name === "(constant)" ? "(constant)" : expression }
    }
    if (t.kind === "ident" && isPunct(tk[from + 1], "(") && matchParen(tk, from + 1) === to - 1) {
      return this.inferCall(from, to - 1)
    }
    // fn(...) OVER (...): a window function has the type of the function (aggregates as aggregates).
    if (t.kind === "ident" && isPunct(tk[from + 1], "(")) {
      const close = matchParen(tk, from + 1)
      if (isWord(tk[close + 1], "OVER") && isPunct(tk[close + 2], "(") && matchParen(tk, close + 2) === to - 1) {
        return { type: this.inferCall(from, close).type, name: "(expression)" }
      }
    }

    if ((t.upper === "DATETIME" || t.upper === "INTERVAL") && isPunct(tk[from + 1], "(")) {
      const close = matchParen(tk, from + 1)
      const q = parseQualifierTokens(tk, close + 1)
      if (!("offset" in q) && q.next === to) {
        return {
          type: t.upper === "DATETIME" ? Types.datetime(q.qualifier) : Types.interval(q.qualifier),
          name: "(constant)"
        }
      }
    }
    if (t.upper === "CURRENT") {
      const q = parseQualifierTokens(tk, from + 1)
      if (!("offset" in q) && q.next === to) return { type: Types.datetime(q.qualifier), name: expression }
    }
    if (t.upper === "CASE") {
      // The result type covers every THEN / ELSE branch (a CHAR(3) first branch must not truncate a longer one).
      const results: Array<IfxType | undefined> = []
      let d = 0
      let start = -1
      for (let i = from + 1; i < to; i++) {
        const x = tk[i]!
        if (isPunct(x, "(")) d++
        else if (isPunct(x, ")")) d--
        else if (d === 0 && x.kind === "ident" && ["WHEN", "ELSE", "END", "THEN"].includes(x.upper)) {
          if (start >= 0) results.push(this.inferRange(start, i).type)
          start = x.upper === "THEN" || x.upper === "ELSE" ? i + 1 : -1
        }
      }
      return { type: combineTypes(results), name: expression }
    }
    if (isPunct(t, "(") && matchParen(tk, from) === to - 1) {
      if (isWord(tk[from + 1], "SELECT")) return { type: undefined, name: expression }
      return { type: this.inferRange(from + 1, to - 1).type, name: expression }
    }
    return { type: undefined, name: expression }
  }

  private arithmetic(from: number, to: number, operators: ReadonlyArray<number>): IfxType | undefined {
    const tk = this.tokens
    const types: Array<IfxType | undefined> = []
    let start = from
    for (const o of [...operators, to]) {
      types.push(this.inferRange(start, o).type)
      start = o + 1
    }
    const ops = new Set(operators.map((o) => tk[o]!.text))
    if (ops.has("||")) {
      const lengths = types.map(charLength)
      const total = lengths.every((l) => l !== undefined) ? lengths.reduce((a, b) => a! + b!, 0)! : 255
      return total <= 255 ? Types.varchar(Math.max(1, total)) : Types.lvarchar(total)
    }
    // A bare `?` operand takes its type from the other operands (IBM: the server infers a parameter's type from
    // its context), so `tabid + ?` is INTEGER arithmetic described as INTEGER, not an untyped CHAR expression; with
    // no typed operand at all (`? * ?`) it is a number of unknown scale: DECIMAL.
    const typed = types.filter((x) => x !== undefined)
    const numeric = withoutSerial(typed.find((x) => ["int", "bigint", "float", "decimal"].includes(family(x))))
    const known = numeric ??
      (typed.length === 0 ? Types.decimal(32, undefined) : typed.some((x) => family(x) === "date")
        ? Types.integer
        : undefined)
    start = from
    for (const [n, o] of [...operators, to].entries()) {
      if (types[n] === undefined && o === start + 1 && tk[start]!.kind === "param") {
        const ordinal = this.paramOrdinal.get(start)!
        types[n] = known
        if (known !== undefined) this.params[ordinal] ??= known
      }
      start = o + 1
    }
    if (types.some((x) => x === undefined)) return undefined
    const families = types.map((x) => family(x!))
    if (families[0] === "date" && families.length === 2) {
      if (families[1] === "date") return Types.integer
      if (families[1] === "int" || families[1] === "bigint") return Types.date
    }
    if (families[0] === "datetime" && families.includes("interval")) return types[0]
    if (families[0] === "interval" && families[1] === "datetime") return types[1]
    if (families[0] === "date" && families[1] === "interval") return types[0]
    if (families.every((f) => f === "interval")) return types[0]
    if (families[0] === "datetime" && families[1] === "datetime") {
      return Types.interval(dayToFraction5)
    }
    if (families.includes("float")) return Types.float
    if (families.includes("decimal") || ops.has("/")) {
      const money = types.find((x) => x!.code === TypeCode.MONEY)
      return money !== undefined ? money : Types.decimal(32, undefined)
    }
    if (families.includes("bigint")) return Types.int8
    if (families.every((f) => f === "int")) return Types.integer
    return undefined
  }

  private inferCall(from: number, close: number): { type: IfxType | undefined; name: string } {
    const tk = this.tokens
    const fn = tk[from]!.upper
    const args = argRanges(tk, from + 1, close)
    const argType = (n: number) => {
      const r = args[n]
      if (r === undefined) return undefined
      let s = r[0]
      if (isWord(tk[s], "DISTINCT") || isWord(tk[s], "UNIQUE") || isWord(tk[s], "ALL")) s++
      return this.inferRange(s, r[1]).type
    }
    const expression = "(expression)"
    switch (fn) {
      case "COUNT":
        // Informix's describe of COUNT: INTEGER (see docs/protocol-evidence.md, "COUNT type").
        return { type: Types.integer, name: isOp(tk[from + 2], "*") ? "(count(*))" : "(count)" }
      case "SUM":
      case "AVG": {
        const a = argType(0)
        const type = a?.code === TypeCode.MONEY
          ? Types.money(32, decimalScale(a) ?? 2)
          : a !== undefined && family(a) === "float"
          ? Types.float
          : Types.decimal(32, undefined)
        return { type, name: `(${fn.toLowerCase()})` }
      }
      case "MIN":
      case "MAX":
        return { type: argType(0), name: `(${fn.toLowerCase()})` }
      case "NVL":
      case "COALESCE":
        return { type: combineTypes(args.map((_, n) => argType(n))), name: expression }
      case "DECODE": {
        const results = args.map((_, n) => n).filter((n) =>
          (n >= 2 && n % 2 === 0) || (n === args.length - 1 && n % 2 === 1 && n > 1)
        ).map(argType)
        return { type: combineTypes(results), name: expression }
      }
      case "MDY":
      case "DATE":
        return { type: Types.date, name: expression }
      case "EXTEND": {
        const q = args[1] === undefined ? undefined : parseQualifierTokens(tk, args[1][0])
        return { type: q === undefined || "offset" in q ? undefined : Types.datetime(q.qualifier), name: expression }
      }
      case "YEAR":
      case "MONTH":
      case "DAY":
      case "WEEKDAY":
        return { type: Types.smallint, name: expression }
      case "LENGTH":
      case "CHAR_LENGTH":
      case "CHARACTER_LENGTH":
      case "OCTET_LENGTH":
        return { type: Types.integer, name: expression }
      case "TRIM":
      case "LTRIM":
      case "RTRIM": {
        // IBM: TRIM returns a VARCHAR (LVARCHAR beyond 255) of the argument's length.
        const n = charLength(argType(0)) ?? 255
        return { type: n <= 255 ? Types.varchar(n) : Types.lvarchar(n), name: expression }
      }
      case "UPPER":
      case "LOWER":
      case "SUBSTR":
      case "SUBSTRING": {
        const a = argType(0)
        const f = a === undefined ? undefined : family(a)
        return { type: f === "char" || f === "string" ? a : Types.varchar(255), name: expression }
      }
      case "CONCAT": {
        const lengths = args.map((_, n) => charLength(argType(n)))
        const total = lengths.every((l) => l !== undefined) ? lengths.reduce((x, y) => x! + y!, 0)! : 255
        return { type: total <= 255 ? Types.varchar(Math.max(1, total)) : Types.lvarchar(total), name: expression }
      }
      case "ROUND":
      case "TRUNC":
      case "ABS":
      case "MOD":
        return { type: argType(0), name: expression }
      case "DBINFO": {
        const arg = tk[from + 2]
        return { type: arg?.kind === "string" ? dbinfoType(arg.text.toLowerCase()) : undefined, name: expression }
      }
      case "CAST": {
        let asIndex = -1
        for (let j = from + 2; j < close; j++) if (isWord(tk[j], "AS")) asIndex = j
        const parsed = asIndex < 0 ? undefined : parseType(tk, asIndex + 1)
        return { type: parsed !== undefined && !("offset" in parsed) ? parsed.type : undefined, name: expression }
      }
      default: {
        const literal = (n: number) => {
          const r = args[n]
          return r !== undefined && r[1] === r[0] + 1 && tk[r[0]]!.kind === "number"
            ? Number(tk[r[0]]!.text)
            : undefined
        }
        return { type: builtinType(fn, args.length, argType, literal)?.type, name: expression }
      }
    }
  }

  /**
   * The select list of the outermost SELECT at tokens[start] (just after SELECT and its modifiers) up to its
   * FROM/INTO/end: emitted with explicit aliases so result columns can be named and typed like Informix does.
   */
  selectList(start: number, end: number): { sql: string; items: Array<ItemHint>; next: number } | TranslateError {
    const tk = this.tokens
    const ranges: Array<[number, number]> = []
    let depth = 0
    let itemStart = start
    let i = start
    for (; i < end; i++) {
      const t = tk[i]!
      if (isPunct(t, "(")) depth++
      else if (isPunct(t, ")")) depth--
      else if (depth === 0 && isPunct(t, ",")) {
        ranges.push([itemStart, i])
        itemStart = i + 1
      } else if (
        depth === 0 && (t.kind === "end" || isPunct(t, ";") || (t.kind === "ident" && clauseEnd.has(t.upper)))
      ) {
        break
      }
    }
    if (i > itemStart) ranges.push([itemStart, i])
    if (ranges.length === 0) return translateError(-201, tk[i]!.offset)
    const items: Array<ItemHint> = []
    const texts: Array<string> = []
    ranges.forEach(([a, b], n) => {
      let exprEnd = b
      let alias: string | undefined
      if (b - a >= 2 && tk[b - 1]!.kind === "ident") {
        const last = tk[b - 1]!
        const prev = tk[b - 2]!
        if (isWord(prev, "AS")) {
          alias = last.text
          exprEnd = b - 2
        } else if (
          !isPunct(prev, ".") && prev.kind !== "op" &&
          !(prev.kind === "ident" && keywordsNotFunctions.has(prev.upper) && prev.upper !== "END") &&
          !isWord(last, "END") && !(prev.kind === "punct" && prev.text === "(") && !isWord(prev, "CURRENT") &&
          !["YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND", "FRACTION"].includes(last.upper) &&
          !isPunct(tk[b - 1], ")")
        ) {
          alias = last.text
          exprEnd = b - 1
        }
      }
      const isStar = (exprEnd === a + 1 && isOp(tk[a], "*")) ||
        (exprEnd === a + 3 && isPunct(tk[a + 1], ".") && isOp(tk[a + 2], "*"))
      const emitted = this.emit(a, exprEnd)
      if (isTranslateError(emitted)) {
        texts.push("")
        items.push({ alias: "", name: "", type: undefined, star: false })
        ;(this as { failed?: TranslateError }).failed ??= emitted
        return
      }
      if (isStar) {
        texts.push(emitted)
        items.push({ alias: "", name: "*", type: undefined, star: true })
        return
      }
      const inferred = this.inferRange(a, exprEnd)
      const internal = alias ?? `_c${n}`
      texts.push(`${emitted} AS "${internal.replace(/"/g, "\"\"")}"`)
      items.push({ alias: internal, name: alias ?? inferred.name, type: inferred.type, star: false })
    })
    const failed = (this as { failed?: TranslateError }).failed
    if (failed !== undefined) return failed
    return { sql: texts.join(", "), items, next: i }
  }
}

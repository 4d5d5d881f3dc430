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
import { rewriteBuiltin, type Rewritten } from "./builtins.ts"
import type { TableInfo } from "./catalog.ts"
import { isComplexType } from "./complexTypes.ts"
import { isDocumentType } from "./documentTypes.ts"
import { argRanges, storageLiteral } from "./literalTypes.ts"
import type { Scope } from "./scope.ts"
import { rewriteSequence } from "./sequences.ts"
import { rewriteSynonym } from "./synonyms.ts"
import { matchParen, quoteIdent, quoteString, type Token } from "./tokenizer.ts"
import { clauseEnd } from "./tokenScan.ts"
import { arithmetic, contextType, inferCall, inferRange } from "./typeInference.ts"
import {
  currentQualifier,
  family,
  type IfxType,
  parseQualifierTokens,
  parseType,
  storageXid,
  Types,
  type UserTypeResolver
} from "./types.ts"
import { isConversionError, toStorage, type Value } from "./values.ts"

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
  /** The first RETURNING type of an SPL function called in an expression (spl/routines.ts), if one has that name. */
  readonly routineType?: (name: string) => IfxType | undefined
  /** DISTINCT, named ROW and opaque types of the database (userTypes.ts), for casts and declarations. */
  readonly userType?: UserTypeResolver | undefined
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
export const dayToFraction5 = new Qualifier("DAY", "FRACTION", { leadingPrecision: 9, fractionDigits: 5 })

export const keywordsNotFunctions = new Set([
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

export const comparisonOps = new Set(["=", "==", "<>", "!=", "<", ">", "<=", ">="])

interface Part {
  text: string
  readonly from: number
  to: number
  /** Set when the part is an identifier that may be a function name. */
  readonly callable: boolean
}

/**
 * The name after a qualifier: `a.*`, or a column quoted for SQLite, which would read `r.primary` or `d.default`
 * (catalog columns JDBC's metadata queries name) as keywords.
 */
const qualified = (t: Token): string => (t.kind === "ident" ? quoteIdent(t.text) : t.text)

export const isPunct = (t: Token | undefined, text: string) => t !== undefined && t.kind === "punct" && t.text === text
export const isOp = (t: Token | undefined, text: string) => t !== undefined && t.kind === "op" && t.text === text
export const isWord = (t: Token | undefined, word: string) => t !== undefined && t.kind === "ident" && t.upper === word

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
  paramOrdinal = new Map<number, number>()
  /** Identifier tokens emitted as another name (ORDER BY naming a select-list column: its alias). */
  readonly renamed = new Map<number, string>()

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

  literalFor(k: number, value: Value, fallback: string): string | TranslateError {
    const type = this.contextType(k)
    if (type === undefined) return fallback
    const f = family(type)
    // A collection/ROW literal (complexTypes.ts) is checked and canonicalised against the column it is assigned to.
    // So is a JSON / BSON document (documentTypes.ts).
    if ((f === "char" || f === "string" || f === "bytes") && !isComplexType(type) && !isDocumentType(type)) {
      return fallback
    }
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

  parts(from: number, to: number): Array<Part> | TranslateError {
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
        const parsed = parseType(tk, i + 1, this.ctx.userType)
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
        last.text += "." + qualified(tk[i + 1]!)
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
  isOperandEnd(k: number): boolean {
    const t = this.tokens[k]
    if (t === undefined) return false
    if (t.kind === "number" || t.kind === "string" || t.kind === "param") return true
    if (t.kind === "punct") return t.text === ")"
    if (t.kind === "ident") return !keywordsNotFunctions.has(t.upper) || t.upper === "END"
    return false
  }

  /** The right operand of a binary operator: [sign] primary [call parens] [.name] [::type ...]. */
  operand(start: number, to: number): { text: string; from: number; to: number } | TranslateError {
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
      part = { text: `${part.text}.${qualified(tk[next + 1]!)}`, from: part.from, to: next + 2, callable: false }
      next += 2
    }
    while (isOp(tk[next], "::")) {
      const parsed = parseType(tk, next + 1, this.ctx.userType)
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

  cast(part: Part, target: IfxType, to: number): Part {
    const source = this.inferRange(part.from, part.to)
    const src = source.type
    return {
      text: `ifx_cast(${part.text}, ${src?.code ?? -1}, ${src?.length ?? 0}, ${target.code}, ${target.length}, ${
        storageXid(target)
      }, ${src === undefined ? 0 : storageXid(src)})`,
      from: part.from,
      to,
      callable: false
    }
  }

  /** One primary starting at tokens[i]. */
  primary(i: number, to: number): { part: Part; next: number } | TranslateError {
    const tk = this.tokens
    const t = tk[i]!
    const simple = (text: string, next = i + 1, callable = false) => ({
      part: { text, from: i, to: next, callable },
      next
    })
    const renamed = this.renamed.get(i)
    if (renamed !== undefined) return simple(renamed)
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

  identifier(i: number): { part: Part; next: number } | TranslateError {
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
        const parsed = parseType(tk, asIndex + 1, this.ctx.userType)
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
    // A delimited identifier (DELIMIDENT) keeps its case and any character: quoted for SQLite.
    if (t.delimited === true) return simple(quoteIdent(t.text))
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

  // Type inference lives in typeInference.ts as functions of `this: Emitter`; installed on the prototype below
  // (non-enumerable, like class methods).
  declare readonly contextType: typeof contextType
  declare readonly inferRange: typeof inferRange
  declare readonly arithmetic: typeof arithmetic
  declare readonly inferCall: typeof inferCall
}

const methods = {
  contextType,
  inferRange,
  arithmetic,
  inferCall
}
for (const [name, method] of Object.entries(methods)) {
  Object.defineProperty(Emitter.prototype, name, { value: method, writable: true, configurable: true })
}

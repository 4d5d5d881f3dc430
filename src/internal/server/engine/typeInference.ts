/* oxlint-disable no-this-in-exported-function -- these functions are Emitter methods, installed on its prototype (translate.ts) */
/**
 * Type inference of the translator: the type a `?` parameter or literal takes from its context (the column it is
 * compared with or assigned to, a range, a function argument), and the Informix type of arithmetic and of
 * function calls.
 */
import { TypeCode } from "../../values/typeCodes.ts"
import { builtinType } from "./builtins.ts"
import { argRanges, charLength, combineTypes, dbinfoType, numberLiteralType, withoutSerial } from "./literalTypes.ts"
import { resolveColumn } from "./scope.ts"
import { inferSequence } from "./sequences.ts"
import { matchParen } from "./tokenizer.ts"
import { findTopLevel } from "./tokenScan.ts"
import {
  comparisonOps,
  dayToFraction5,
  type Emitter,
  isOp,
  isPunct,
  isWord,
  keywordsNotFunctions
} from "./translate.ts"
import {
  currentQualifier,
  decimalScale,
  family,
  type IfxType,
  parseQualifierTokens,
  parseType,
  Types
} from "./types.ts"

/** Type of the column a literal / '?' at token k is compared with, if any. */
export function contextType(this: Emitter, k: number): IfxType | undefined {
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

/** Informix type of the expression tokens[from, to) (undefined when unknown). */
export function inferRange(this: Emitter, from: number, to: number): { type: IfxType | undefined; name: string } {
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
    const parsed = parseType(tk, lastCast + 1, this.ctx.userType)
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
      return { type: this.inferCall(from, close).type, name: expression }
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

export function arithmetic(
  this: Emitter,
  from: number,
  to: number,
  operators: ReadonlyArray<number>
): IfxType | undefined {
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

export function inferCall(this: Emitter, from: number, close: number): { type: IfxType | undefined; name: string } {
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
      // SUBSTRING(x FROM a [FOR b]): the string is what comes before FROM.
      const fromWord = findTopLevel(tk, from + 2, close, (x) => isWord(x, "FROM"))
      const a = fn === "SUBSTRING" && fromWord > 0 ? this.inferRange(from + 2, fromWord).type : argType(0)
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
      const parsed = asIndex < 0 ? undefined : parseType(tk, asIndex + 1, this.ctx.userType)
      return { type: parsed !== undefined && !("offset" in parsed) ? parsed.type : undefined, name: expression }
    }
    default: {
      const literal = (n: number) => {
        const r = args[n]
        return r !== undefined && r[1] === r[0] + 1 && tk[r[0]]!.kind === "number" ? Number(tk[r[0]]!.text) : undefined
      }
      // Built-ins first (builtins.ts), then SPL functions (spl/routines.ts).
      return {
        type: builtinType(fn, args.length, argType, literal)?.type ?? this.ctx.routineType?.(tk[from]!.text),
        name: expression
      }
    }
  }
}

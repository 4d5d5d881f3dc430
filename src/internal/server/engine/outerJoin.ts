/**
 * Rewriting of Informix's old-style outer join (`FROM a, OUTER b WHERE ...`) into the ANSI LEFT JOIN SQLite
 * understands, with the clause splitting it needs.
 */
import type { TableInfo } from "./catalog.ts"
import type { Token } from "./tokenizer.ts"
import { findTopLevel, isPunct, isWord } from "./tokenScan.ts"
import {
  type Emitter,
  isTranslateError,
  type TranslateContext,
  type TranslateError,
  translateError
} from "./translate.ts"

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
export const informixOuterJoin = (
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
  if (!items.some(([a]) => isWord(tokens[a], "OUTER"))) {
    // A later UNION / INTERSECT / EXCEPT branch may have its own OUTER tables (JDBC's getColumns query).
    const later = nextBranchFrom(tokens, fromIndex + 1, end)
    const rest = later === undefined ? undefined : informixOuterJoin(tokens, emitter, ctx, later, end)
    if (rest === undefined || isTranslateError(rest)) return rest
    const head = emitter.emit(fromIndex, later!)
    return isTranslateError(head) ? head : `${head} ${rest}`
  }
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
  const later = nextBranchFrom(tokens, whereEnd, end)
  const branch = later === undefined ? undefined : informixOuterJoin(tokens, emitter, ctx, later, end)
  if (branch !== undefined) {
    if (isTranslateError(branch)) return branch
    const head = emitter.emit(whereEnd, later!)
    return isTranslateError(head) ? head : `${sqlText} ${head} ${branch}`
  }
  const tail = emitter.emit(whereEnd, end)
  if (isTranslateError(tail)) return tail
  return `${sqlText} ${tail}`
}

/** The FROM of the SELECT after the next top-level UNION / INTERSECT / EXCEPT in tokens[from, end), if any. */
const nextBranchFrom = (tokens: ReadonlyArray<Token>, from: number, end: number): number | undefined => {
  const setOp = findTopLevel(
    tokens,
    from,
    end,
    (t) => t.kind === "ident" && (t.upper === "UNION" || t.upper === "INTERSECT" || t.upper === "EXCEPT")
  )
  if (setOp < 0) return undefined
  const next = findTopLevel(tokens, setOp + 1, end, (t) => t.kind === "ident" && t.upper === "FROM")
  return next < 0 ? undefined : next
}

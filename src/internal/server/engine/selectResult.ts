/**
 * The outermost SELECT's result as Informix shapes it beyond the first select list (planner.ts calls these before
 * emitting the rest of the statement): a UNION's character columns as wide as the widest branch, and ORDER BY terms
 * that name a select-list column.
 */
import { TypeCode } from "../../values/typeCodes.ts"
import type { Token } from "./tokenizer.ts"
import { clauseEnd, findTopLevel, isPunct, isWord } from "./tokenScan.ts"
import { type Emitter, isTranslateError, type ItemHint } from "./translate.ts"
import type { IfxType } from "./types.ts"

const orderWords = new Set(["ASC", "DESC", "NULLS"])

/**
 * An ORDER BY term that is a bare name of one select-list column sorts by that column (IBM "ORDER BY clause": a
 * column name in the select list), even when the tables of the query have several columns of that name: JDBC's
 * getFunctionColumns selects `p.procid` from sysprocedures and sysproccolumns and orders `by procid`. SQLite would
 * call that ambiguous, so the term is emitted as the column's alias.
 */
export const orderBySelectedNames = (
  tokens: ReadonlyArray<Token>,
  emitter: Emitter,
  items: ReadonlyArray<ItemHint>,
  from: number,
  end: number
) => {
  const order = findTopLevel(tokens, from, end, (t) => isWord(t, "ORDER"))
  if (order < 0 || !isWord(tokens[order + 1], "BY")) return
  let depth = 0
  for (let i = order + 2; i < end; i++) {
    const t = tokens[i]!
    if (isPunct(t, "(")) depth++
    else if (isPunct(t, ")")) depth--
    if (depth !== 0 || t.kind !== "ident" || t.delimited === true) continue
    const before = tokens[i - 1]
    const after = tokens[i + 1]
    const termStart = i === order + 2 || isPunct(before, ",")
    const termEnd = i + 1 >= end || after === undefined || after.kind === "end" || isPunct(after, ",") ||
      isPunct(after, ";") || (after.kind === "ident" && (clauseEnd.has(after.upper) || orderWords.has(after.upper)))
    if (!termStart || !termEnd) continue
    const named = items.filter((item) => !item.star && item.name.toLowerCase() === t.text.toLowerCase())
    if (named.length === 1) emitter.renamed.set(i, `"${named[0]!.alias.replace(/"/g, "\"\"")}"`)
  }
}

/** The length of a character type as its branches compare (VARCHAR keeps its maximum in the low byte). */
const characterWidth = (t: IfxType): number | undefined =>
  t.code === TypeCode.CHAR || t.code === TypeCode.NCHAR
    ? t.length
    : t.code === TypeCode.VARCHAR || t.code === TypeCode.NVARCHAR
    ? t.length & 0xff
    : undefined

/**
 * A UNION's character columns are as wide as the widest branch's (IBM "Set operators": the result takes the type
 * that holds every branch's values), not the first branch's: IBM JDBC's getTableTypes unions `trim('TABLE')` with
 * `trim('SYSTEM TABLE')` and reads the longer names. Only the types of later branches are inferred (their text is
 * emitted with the rest of the statement).
 */
export const widenToUnionBranches = (
  tokens: ReadonlyArray<Token>,
  emitter: Emitter,
  items: Array<ItemHint>,
  from: number,
  end: number
): Array<ItemHint> => {
  let widened = items
  for (let u = findTopLevel(tokens, from, end, (t) => isWord(t, "UNION")); u >= 0;) {
    let start = u + 1
    if (isWord(tokens[start], "ALL")) start++
    if (!isWord(tokens[start], "SELECT")) break
    const modifiers = emitter.selectModifiers(start + 1)
    if (isTranslateError(modifiers)) break
    const stop = findTopLevel(tokens, modifiers.next, end, (t) => t.kind === "ident" && clauseEnd.has(t.upper))
    const listEnd = stop < 0 ? end : stop
    let itemStart = modifiers.next
    let n = 0
    let depth = 0
    const next = widened.slice()
    for (let i = modifiers.next; i <= listEnd; i++) {
      if (isPunct(tokens[i], "(")) depth++
      else if (isPunct(tokens[i], ")")) depth--
      if (i < listEnd && !(depth === 0 && isPunct(tokens[i], ","))) continue
      const item = next[n]
      const aliased = i - itemStart > 2 && isWord(tokens[i - 2], "AS") ? i - 2 : i
      const branch = item?.type === undefined ? undefined : emitter.inferRange(itemStart, aliased).type
      const width = branch === undefined ? undefined : characterWidth(branch)
      const own = item?.type === undefined ? undefined : characterWidth(item.type)
      if (item?.type !== undefined && width !== undefined && own !== undefined && width > own) {
        next[n] = { ...item, type: { ...item.type, length: characterWidthOf(item.type, width) } }
      }
      n++
      itemStart = i + 1
    }
    widened = next
    u = findTopLevel(tokens, listEnd, end, (t) => isWord(t, "UNION"))
  }
  return widened
}

/** `t`'s length field for a character width of `width` (VARCHAR: its minimum kept, at most 255). */
const characterWidthOf = (t: IfxType, width: number): number =>
  t.code === TypeCode.VARCHAR || t.code === TypeCode.NVARCHAR ? (t.length & 0xff00) | Math.min(width, 255) : width

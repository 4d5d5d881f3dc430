/**
 * MERGE (IBM "MERGE statement"):
 *
 *   MERGE INTO target [[AS] t] USING {source | (SELECT ...)} [[AS] s] ON condition
 *     [WHEN MATCHED THEN {UPDATE SET col = expr [, ...] | DELETE}]
 *     [WHEN NOT MATCHED THEN INSERT [(cols)] VALUES (exprs)]
 *
 * runs as up to two SQLite statements in one savepoint: `UPDATE target AS t SET ... FROM source AS s WHERE
 * condition` (or `DELETE ... WHERE EXISTS (...)`), then `INSERT INTO target SELECT ... FROM source AS s WHERE NOT
 * EXISTS (SELECT 1 FROM target AS t WHERE condition)`. The matched rows are therefore decided before the insert,
 * as in Informix. The statement needs the privileges of the actions it has (UPDATE / DELETE / INSERT on the
 * target, SELECT on the source); the reported row count is the sum of both steps. Each step fires the target's
 * Informix triggers for its event (INSERT / UPDATE [OF] / DELETE) around it.
 */
import type { SQLInputValue } from "node:sqlite"
import { type EngineError, isEngineError } from "./api.ts"
import type { TableInfo } from "./catalog.ts"
import { identList } from "./ddlPlanner.ts"
import { type ExtensionPlan } from "./extension.ts"
import { type Access, checkAccess } from "./privileges.ts"
import { matchParen, quoteIdent, type Token } from "./tokenizer.ts"
import { isPunct, isWord } from "./tokenScan.ts"
import { Emitter, isTranslateError, type TranslateContext, type TranslateError, translateError } from "./translate.ts"

const aliasAt = (tokens: ReadonlyArray<Token>, i: number, stop: ReadonlyArray<string>) => {
  let j = i
  if (isWord(tokens[j], "AS")) j++
  const t = tokens[j]
  if (t?.kind === "ident" && !stop.includes(t.upper)) return { alias: t.text, next: j + 1 }
  return { alias: undefined, next: i }
}

/** The highest `?N` a generated text uses (its statement binds that many values). */
const paramsUsed = (text: string) => Math.max(0, ...Array.from(text.matchAll(/\?(\d+)/g), (m) => Number(m[1])))

export const planMerge = (
  tokens: ReadonlyArray<Token>,
  sql: string,
  ctx: TranslateContext,
  end: number
): ExtensionPlan | TranslateError => {
  if (!isWord(tokens[1], "INTO") || tokens[2]?.kind !== "ident") return translateError(-201, tokens[1]?.offset ?? 0)
  const targetToken = tokens[2]
  const target = ctx.table(targetToken.text)
  if (target === undefined) return translateError(-206, targetToken.offset, targetToken.text, -111)
  const t = aliasAt(tokens, 3, ["USING"])
  const targetAlias = t.alias ?? targetToken.text
  let i = t.next
  if (!isWord(tokens[i], "USING")) return translateError(-201, tokens[i]?.offset ?? 0)
  i++
  let sourceText: [number, number]
  let sourceTable: TableInfo | undefined
  let sourceName: string
  if (isPunct(tokens[i], "(")) {
    const close = matchParen(tokens, i)
    if (close < 0) return translateError(-201, tokens[i]!.offset)
    sourceText = [i, close + 1]
    sourceName = "_ifx_source"
    i = close + 1
  } else if (tokens[i]?.kind === "ident") {
    sourceTable = ctx.table(tokens[i]!.text)
    if (sourceTable === undefined) return translateError(-206, tokens[i]!.offset, tokens[i]!.text, -111)
    sourceText = [i, i + 1]
    sourceName = tokens[i]!.text
    i++
  } else return translateError(-201, tokens[i]?.offset ?? 0)
  const s = aliasAt(tokens, i, ["ON"])
  const sourceAlias = s.alias ?? sourceName
  i = s.next
  if (!isWord(tokens[i], "ON")) return translateError(-201, tokens[i]?.offset ?? 0)
  const onStart = i + 1
  let onEnd = onStart
  while (onEnd < end && !(isWord(tokens[onEnd], "WHEN") && tokens[onEnd + 1] !== undefined)) onEnd++
  const scope = {
    tables: [
      { alias: targetAlias, table: target },
      ...(sourceTable === undefined ? [] : [{ alias: sourceAlias, table: sourceTable }])
    ]
  }
  const emitter = new Emitter(tokens, sql, ctx, scope)
  const source = emitter.emit(sourceText[0], sourceText[1])
  if (isTranslateError(source)) return source
  const on = emitter.emit(onStart, onEnd)
  if (isTranslateError(on)) return on
  const targetSql = `${quoteIdent(target.name)} AS ${quoteIdent(targetAlias)}`
  const sourceSql = `${source} AS ${quoteIdent(sourceAlias)}`
  let matched: Step | undefined
  let notMatched: Step | undefined
  const access: Array<Access> = []
  i = onEnd
  while (i < end) {
    if (!isWord(tokens[i], "WHEN")) return translateError(-201, tokens[i]!.offset)
    const not = isWord(tokens[i + 1], "NOT")
    const j = not ? i + 2 : i + 1
    if (!isWord(tokens[j], "MATCHED") || !isWord(tokens[j + 1], "THEN")) return translateError(-201, tokens[j]!.offset)
    let k = j + 2
    let stop = k
    while (stop < end && !isWord(tokens[stop], "WHEN")) stop++
    if (!not && isWord(tokens[k], "UPDATE") && isWord(tokens[k + 1], "SET") && matched === undefined) {
      const assignments: Array<string> = []
      const set = new Set<string>()
      k += 2
      while (k < stop) {
        const column = tokens[k]!
        if (column.kind !== "ident" || tokens[k + 1]?.text !== "=") return translateError(-201, column.offset)
        if (!target.columns.some((c) => c.name.toLowerCase() === column.text.toLowerCase())) {
          return translateError(-217, column.offset, column.text)
        }
        let e = k + 2
        let depth = 0
        while (e < stop && !(depth === 0 && isPunct(tokens[e], ","))) {
          if (isPunct(tokens[e], "(")) depth++
          else if (isPunct(tokens[e], ")")) depth--
          e++
        }
        const value = emitter.emit(k + 2, e)
        if (isTranslateError(value)) return value
        assignments.push(`${quoteIdent(column.text)} = ${value}`)
        set.add(column.upper)
        k = e + 1
      }
      // SQLite's UPDATE ... FROM cannot name the target's alias in SET targets, only in expressions.
      matched = {
        verb: "update",
        set,
        text: `UPDATE ${targetSql} SET ${assignments.join(", ")} FROM ${sourceSql} WHERE ${on}`
      }
      access.push("u")
    } else if (!not && isWord(tokens[k], "DELETE") && k + 1 === stop && matched === undefined) {
      matched = {
        verb: "delete",
        set: new Set(),
        text: `DELETE FROM ${targetSql} WHERE EXISTS (SELECT 1 FROM ${sourceSql} WHERE ${on})`
      }
      access.push("d")
    } else if (not && isWord(tokens[k], "INSERT") && notMatched === undefined) {
      k++
      let columns = target.columns.map((c) => c.name)
      if (isPunct(tokens[k], "(")) {
        const list = identList(tokens, k)
        if (isTranslateError(list)) return list
        columns = list.names
        k = list.next
      }
      if (!isWord(tokens[k], "VALUES") || !isPunct(tokens[k + 1], "(")) return translateError(-201, tokens[k]!.offset)
      const close = matchParen(tokens, k + 1)
      if (close + 1 !== stop) return translateError(-201, tokens[close + 1]?.offset ?? 0)
      const values = emitter.emit(k + 2, close)
      if (isTranslateError(values)) return values
      const count = values === "" ? 0 : splitCount(tokens, k + 2, close)
      // IBM: -236 "Number of columns in INSERT does not match number of VALUES."
      if (count !== columns.length) return translateError(-236, tokens[k]!.offset)
      notMatched = {
        verb: "insert",
        set: new Set(),
        text: `INSERT INTO ${quoteIdent(target.name)} (${columns.map(quoteIdent).join(", ")}) SELECT ${values} ` +
          `FROM ${sourceSql} WHERE NOT EXISTS (SELECT 1 FROM ${targetSql} WHERE ${on})`
      }
      access.push("i")
    } else return translateError(-201, tokens[k]?.offset ?? tokens[i]!.offset)
    i = stop
  }
  if (matched === undefined && notMatched === undefined) return translateError(-201, tokens[onEnd]?.offset ?? 0)
  const steps = [matched, notMatched].filter((x): x is Step => x !== undefined)
  return {
    kind: "extension",
    statementType: 128,
    writes: target.temp ? "temp" : "permanent",
    tables: target.temp ? [] : [target.name],
    paramCount: emitter.paramCount,
    params: emitter.params,
    run: (host, values: ReadonlyArray<SQLInputValue>) => {
      const denied = checkAccess(host.db, host.user, host.role, [
        ...access.map((a) => ({ table: target, access: a })),
        ...(sourceTable === undefined ? [] : [{ table: sourceTable, access: "s" as const }])
      ])
      if (denied !== undefined) return denied
      // Each step runs with the target's triggers for its event around it (BEFORE, the step, FOR EACH ROW, AFTER);
      // a failing trigger action undoes the whole MERGE.
      let failed: EngineError | undefined
      let rows = 0
      try {
        rows = host.inStatementSavepoint(() => {
          let n = 0
          for (const step of steps) {
            const done = host.withTriggers(step.verb, target, step.set, () => ({
              rowsAffected: host.run(step.text, values.slice(0, paramsUsed(step.text))).changes,
              serial: 0
            }))
            if (isEngineError(done)) {
              failed = done
              // Unwinds the savepoint; caught below.
              throw new Error("MERGE trigger action failed")
            }
            n += done.rowsAffected
          }
          return n
        })
      } catch (error) {
        if (failed !== undefined) return failed
        throw error
      }
      host.setRowCount(rows)
      return { rowsAffected: rows, serial: 0 }
    }
  }
}

interface Step {
  readonly verb: "update" | "delete" | "insert"
  /** Upper-case columns an UPDATE assigns (UPDATE OF triggers). */
  readonly set: ReadonlySet<string>
  readonly text: string
}

const splitCount = (tokens: ReadonlyArray<Token>, from: number, to: number) => {
  let n = 1
  let depth = 0
  for (let i = from; i < to; i++) {
    if (isPunct(tokens[i], "(")) depth++
    else if (isPunct(tokens[i], ")")) depth--
    else if (depth === 0 && isPunct(tokens[i], ",")) n++
  }
  return n
}

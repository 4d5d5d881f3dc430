/**
 * Name resolution for the translator: the scope of tables (with aliases) a statement names after FROM / JOIN /
 * UPDATE / INTO, and the lookup of a column in it.
 */
import type { TableInfo } from "./catalog.ts"
import type { Token } from "./tokenizer.ts"
import { clauseEnd } from "./tokenScan.ts"
import { isPunct, isWord, type TranslateContext } from "./translate.ts"
import type { IfxType } from "./types.ts"

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

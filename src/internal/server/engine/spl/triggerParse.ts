/**
 * CREATE / DROP TRIGGER text into trigger definitions (IBM "CREATE TRIGGER"): the event (INSERT, UPDATE [OF],
 * DELETE, SELECT [OF], or INSTEAD OF INSERT / UPDATE / DELETE on a view), REFERENCING names, the BEFORE, FOR EACH
 * ROW and AFTER action groups with their WHEN conditions, the ENABLED / DISABLED mode; the actions stay token ranges
 * the SPL interpreter runs (triggers.ts fires them). Errors are -201 at the offending token, or IBM's own code
 * (-729, -19823 .. -19827) where it has one.
 */
import type { DatabaseSync } from "node:sqlite"
import type { EngineError } from "../api.ts"
import type { TableInfo } from "../catalog.ts"
import { engineError } from "../engineErrors.ts"
import { matchParen, type Token } from "../tokenizer.ts"
import type { Block, Range } from "./parse.ts"
import type { RoutineSession } from "./routines.ts"
import type { TriggerModePlan } from "./triggerModes.ts"

export type Event = "I" | "U" | "D" | "S"

export interface ActionGroup {
  readonly when: Range | undefined
  readonly body: Block
}

export interface TriggerDefinition {
  readonly name: string
  readonly tableName: string
  readonly event: Event
  /** An INSTEAD OF trigger on a view: its FOR EACH ROW actions replace the triggering statement. */
  readonly insteadOf: boolean
  /** Created DISABLED (SET TRIGGERS changes the mode afterwards, kept in sysobjstate). */
  readonly disabled: boolean
  readonly columns: ReadonlyArray<string> | undefined
  readonly old: string | undefined
  readonly new: string | undefined
  readonly before: ReadonlyArray<ActionGroup>
  readonly row: ReadonlyArray<ActionGroup>
  readonly after: ReadonlyArray<ActionGroup>
  readonly text: string
  readonly tokens: ReadonlyArray<Token>
}

export type TriggerPlan =
  | { readonly kind: "createTrigger"; readonly trigger: TriggerDefinition; readonly table: TableInfo }
  | { readonly kind: "dropTrigger"; readonly name: string; readonly offset: number }
  | TriggerModePlan

const isWord = (t: Token | undefined, w: string) => t !== undefined && t.kind === "ident" && t.upper === w
const isPunct = (t: Token | undefined, p: string) => t !== undefined && t.kind === "punct" && t.text === p

const events: Record<string, Event> = { INSERT: "I", UPDATE: "U", DELETE: "D", SELECT: "S" }

/** systriggers.event: upper case for table triggers, lower case for INSTEAD OF triggers on views (IBM). */
export const eventCode = (def: TriggerDefinition): string => (def.insteadOf ? def.event.toLowerCase() : def.event)

/** Parses the trigger text; `start` is the index after TRIGGER. Errors are -201 at the offending token. */
export const parseTrigger = (
  sql: string,
  tokens: ReadonlyArray<Token>,
  start: number
): TriggerDefinition | EngineError => {
  const bad = (i: number, sqlcode = -201) => engineError(sqlcode, { offset: tokens[i]?.offset ?? sql.length })
  let i = start
  const name = tokens[i]
  if (name?.kind !== "ident") return bad(i)
  i++
  const insteadOf = isWord(tokens[i], "INSTEAD") && isWord(tokens[i + 1], "OF")
  if (insteadOf) i += 2
  const event: Event | undefined = tokens[i]?.kind === "ident" ? events[tokens[i]!.upper] : undefined
  if (event === undefined) return bad(i)
  // IBM -19826 "Cannot create INSTEAD OF trigger for a select event."
  if (insteadOf && event === "S") return bad(i, -19826)
  i++
  let columns: Array<string> | undefined
  if ((event === "U" || event === "S") && !insteadOf && isWord(tokens[i], "OF")) {
    columns = []
    i++
    for (;;) {
      if (tokens[i]?.kind !== "ident") return bad(i)
      columns.push(tokens[i]!.text)
      i++
      if (!isPunct(tokens[i], ",")) break
      i++
    }
  }
  if (!isWord(tokens[i], "ON")) return bad(i)
  i++
  const table = tokens[i]
  if (table?.kind !== "ident") return bad(i)
  i++
  let oldName: string | undefined
  let newName: string | undefined
  if (isWord(tokens[i], "REFERENCING")) {
    i++
    while (isWord(tokens[i], "OLD") || isWord(tokens[i], "NEW")) {
      const which = tokens[i]!.upper
      i++
      if (isWord(tokens[i], "AS")) i++
      if (tokens[i]?.kind !== "ident") return bad(i)
      if (which === "OLD") oldName = tokens[i]!.text
      else newName = tokens[i]!.text
      i++
    }
    // IBM: INSERT has no OLD row, DELETE and SELECT no NEW row.
    if ((event === "I" && oldName !== undefined) || (event !== "I" && event !== "U" && newName !== undefined)) {
      return bad(i - 1)
    }
  }
  const before: Array<ActionGroup> = []
  const row: Array<ActionGroup> = []
  const after: Array<ActionGroup> = []
  let target: Array<ActionGroup> | undefined
  const order = [before, row, after]
  let stage = -1
  let disabled = false
  while (tokens[i] !== undefined && tokens[i]!.kind !== "end" && !isPunct(tokens[i], ";")) {
    const t = tokens[i]!
    let next: Array<ActionGroup> | undefined
    if (isWord(t, "BEFORE")) {
      next = before
      i++
    } else if (isWord(t, "FOR") && isWord(tokens[i + 1], "EACH") && isWord(tokens[i + 2], "ROW")) {
      next = row
      i += 3
    } else if (isWord(t, "AFTER")) {
      next = after
      i++
    } else if (isWord(t, "ENABLED") || isWord(t, "DISABLED")) {
      disabled = isWord(t, "DISABLED")
      i++
      continue
    }
    if (next !== undefined) {
      // IBM -19824 "Cannot use BEFORE or AFTER action with the INSTEAD OF trigger."
      if (insteadOf && next !== row) return bad(i - 1, -19824)
      const nextStage = order.indexOf(next)
      if (nextStage <= stage) return bad(i - 1)
      stage = nextStage
      target = next
    }
    if (target === undefined) return bad(i)
    let when: Range | undefined
    if (isWord(tokens[i], "WHEN")) {
      // IBM -19825 "Cannot use WHEN clause if INSTEAD OF trigger is defined."
      if (insteadOf) return bad(i, -19825)
      if (!isPunct(tokens[i + 1], "(")) return bad(i + 1)
      const close = matchParen(tokens, i + 1)
      if (close < 0) return bad(i + 1)
      when = { from: i + 2, to: close }
      i = close + 1
    }
    if (!isPunct(tokens[i], "(")) return bad(i)
    const close = matchParen(tokens, i)
    if (close < 0) return bad(i)
    const body = parseActions(tokens, i, close, target === row && !insteadOf && event !== "D" && event !== "S")
    if (typeof body === "number") {
      // IBM -19823 "Cannot use EXECUTE PROCEDURE INTO with the INSTEAD OF trigger."
      return bad(body, insteadOf && isWord(tokens[body], "INTO") ? -19823 : -201)
    }
    target.push({ when, body })
    i = close + 1
  }
  // IBM -729 "Trigger has no triggered action."
  if (before.length + row.length + after.length === 0) return bad(i, insteadOf ? -201 : -729)
  return {
    name: name.text,
    tableName: table.text,
    event,
    insteadOf,
    disabled,
    columns,
    old: oldName,
    new: newName,
    before,
    row,
    after,
    text: sql,
    tokens
  }
}

/**
 * The comma-separated actions inside tokens(open, close): INSERT, UPDATE, DELETE, EXECUTE PROCEDURE/FUNCTION.
 * `EXECUTE PROCEDURE p(...) INTO col, ...` (only where `into` is allowed: FOR EACH ROW of an INSERT or UPDATE
 * trigger on a table) sets columns of the new row; its `into` holds the column names. A bad token: its index.
 */
const parseActions = (tokens: ReadonlyArray<Token>, open: number, close: number, into: boolean): Block | number => {
  const body: Array<Block[number]> = []
  let from = open + 1
  let depth = 0
  for (let j = open + 1; j <= close; j++) {
    const x = tokens[j]!
    if (j < close && isPunct(x, "(")) depth++
    else if (j < close && isPunct(x, ")")) depth--
    else if (j === close || (depth === 0 && isPunct(x, ",") && !intoList(tokens, from, j))) {
      if (j === from) return j
      const verb = tokens[from]!.upper
      if (!["INSERT", "UPDATE", "DELETE", "EXECUTE"].includes(verb)) return from
      let intoAt = -1
      for (let k = from; k < j; k++) if (verb === "EXECUTE" && isWord(tokens[k], "INTO")) intoAt = k
      if (intoAt >= 0) {
        if (!into) return intoAt
        const columns: Array<string> = []
        for (let k = intoAt + 1; k < j; k += 2) {
          if (tokens[k]?.kind !== "ident" || (k + 1 < j && !isPunct(tokens[k + 1], ","))) return k
          columns.push(tokens[k]!.text)
        }
        if (columns.length === 0) return intoAt
        body.push({ k: "sql", parts: [{ from, to: intoAt }], into: columns })
      } else {
        body.push({ k: "sql", parts: [{ from, to: j }], into: [] })
      }
      from = j + 1
    }
  }
  return body
}

/** A comma at top level inside `EXECUTE ... INTO a, b`: part of the INTO list, not between actions. */
const intoList = (tokens: ReadonlyArray<Token>, from: number, at: number): boolean => {
  if (
    !isWord(tokens[from], "EXECUTE") || ["INSERT", "UPDATE", "DELETE", "EXECUTE"].includes(tokens[at + 1]?.upper ?? "")
  ) {
    return false
  }
  for (let k = from; k < at; k++) if (isWord(tokens[k], "INTO")) return true
  return false
}

export const planCreateTrigger = (
  sql: string,
  tokens: ReadonlyArray<Token>,
  start: number,
  session: RoutineSession
): TriggerPlan | EngineError => {
  const parsed = parseTrigger(sql, tokens, start)
  if ("_tag" in parsed) return parsed
  const tableToken = tokens.find((t) => t.kind === "ident" && t.text === parsed.tableName)
  const offset = tableToken?.offset ?? 0
  const table = session.table(parsed.tableName)
  if (table === undefined || table.temp) {
    return engineError(-206, { isamCode: -111, parameter: parsed.tableName, offset })
  }
  const view = isView(session.db, table.tabid)
  // IBM -19827 "Cannot create an INSTEAD OF trigger on a table (%s)."
  if (parsed.insteadOf && !view) return engineError(-19827, { parameter: table.name, offset })
  // A view takes INSTEAD OF triggers only (IBM: triggers on views); the code for a table trigger on one is not pinned.
  if (!parsed.insteadOf && view) return engineError(-201, { offset })
  for (const c of parsed.columns ?? []) {
    if (!table.columns.some((x) => x.name.toLowerCase() === c.toLowerCase())) {
      return engineError(-217, { parameter: c, offset: tokens.find((t) => t.text === c)?.offset ?? 0 })
    }
  }
  return { kind: "createTrigger", trigger: parsed, table }
}

const isView = (db: DatabaseSync, tabid: number) =>
  (db.prepare("SELECT tabtype FROM systables WHERE tabid = ?").get(tabid) as { tabtype: string } | undefined)
    ?.tabtype === "V"

export const planDropTrigger = (tokens: ReadonlyArray<Token>): TriggerPlan | EngineError => {
  const name = tokens[2]
  if (name?.kind !== "ident") return engineError(-201, { offset: name?.offset ?? 0 })
  const after = tokens[3]
  if (after !== undefined && after.kind !== "end" && !isPunct(after, ";")) {
    return engineError(-201, { offset: after.offset })
  }
  return { kind: "dropTrigger", name: name.text, offset: name.offset }
}

/** SET columns of an UPDATE statement, upper-case (for UPDATE OF triggers). */
export const updatedColumns = (tokens: ReadonlyArray<Token>): Set<string> => {
  const out = new Set<string>()
  const set = tokens.findIndex((t) => isWord(t, "SET"))
  if (set < 0) return out
  let depth = 0
  for (let i = set + 1; i < tokens.length; i++) {
    const t = tokens[i]!
    if (isPunct(t, "(")) depth++
    else if (isPunct(t, ")")) depth--
    if (depth === 0 && (isWord(t, "WHERE") || t.kind === "end")) break
    if (t.kind === "ident" && (depth === 0 || (depth === 1 && isPunct(tokens[set + 1], "(")))) {
      const next = tokens[i + 1]
      if ((next?.kind === "op" && next.text === "=") || isPunct(next, ",") || isPunct(next, ")")) {
        if (isPunct(tokens[i - 1], ",") || isPunct(tokens[i - 1], "(") || i === set + 1) out.add(t.upper)
      }
    }
  }
  return out
}

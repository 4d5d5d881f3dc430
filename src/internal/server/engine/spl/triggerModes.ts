/**
 * Trigger modes (IBM "SET Database Object Mode", "SYSOBJSTATE"): a trigger is created ENABLED (the default) or
 * DISABLED, and `SET TRIGGERS name [, ...] ENABLED | DISABLED` or `SET TRIGGERS FOR table ENABLED | DISABLED`
 * changes it later. The mode is kept as Informix keeps it, a `sysobjstate` row (objtype 'T', state 'E' / 'D') per
 * trigger; a disabled trigger stays in the catalog and fires for nothing.
 */
import type { DatabaseSync } from "node:sqlite"
import type { EngineError } from "../api.ts"
import { engineError } from "../engineErrors.ts"
import type { Token } from "../tokenizer.ts"

export interface TriggerModePlan {
  readonly kind: "setTriggers"
  /** Trigger names, or the table whose triggers all change (`FOR table`). */
  readonly names: ReadonlyArray<{ readonly name: string; readonly offset: number }>
  readonly forTable: { readonly name: string; readonly offset: number } | undefined
  readonly enabled: boolean
}

const isWord = (t: Token | undefined, w: string) => t !== undefined && t.kind === "ident" && t.upper === w
const isPunct = (t: Token | undefined, p: string) => t !== undefined && t.kind === "punct" && t.text === p

/** `SET TRIGGERS ...` (tokens[0..1] are SET TRIGGERS); -201 at a token that does not fit. */
export const planSetTriggers = (tokens: ReadonlyArray<Token>): TriggerModePlan | EngineError => {
  const bad = (i: number) => engineError(-201, { offset: tokens[i]?.offset ?? 0 })
  let i = 2
  let forTable: TriggerModePlan["forTable"]
  const names: Array<{ name: string; offset: number }> = []
  if (isWord(tokens[i], "FOR")) {
    const t = tokens[i + 1]
    if (t?.kind !== "ident") return bad(i + 1)
    forTable = { name: t.text, offset: t.offset }
    i += 2
  } else {
    for (;;) {
      const t = tokens[i]
      if (t?.kind !== "ident") return bad(i)
      names.push({ name: t.text, offset: t.offset })
      i++
      if (!isPunct(tokens[i], ",")) break
      i++
    }
  }
  const mode = tokens[i]
  if (!isWord(mode, "ENABLED") && !isWord(mode, "DISABLED")) return bad(i)
  i++
  while (isPunct(tokens[i], ";")) i++
  if (tokens[i] !== undefined && tokens[i]!.kind !== "end") return bad(i)
  return { kind: "setTriggers", names, forTable, enabled: isWord(mode, "ENABLED") }
}

/** Records a trigger's mode (one sysobjstate row per trigger). */
export const setTriggerState = (
  db: DatabaseSync,
  trigger: { readonly name: string; readonly owner: string; readonly tabid: number },
  enabled: boolean
) => {
  db.prepare("DELETE FROM sysobjstate WHERE objtype = 'T' AND lower(name) = lower(?)").run(trigger.name)
  db.prepare("INSERT INTO sysobjstate (objtype, owner, name, tabid, state) VALUES ('T', ?, ?, ?, ?)").run(
    trigger.owner,
    trigger.name,
    trigger.tabid,
    enabled ? "E" : "D"
  )
}

/** Names (lower case) of the disabled triggers on a table. */
export const disabledTriggers = (db: DatabaseSync, tabid: number): Set<string> =>
  new Set(
    (db.prepare("SELECT name FROM sysobjstate WHERE objtype = 'T' AND tabid = ? AND state = 'D'").all(tabid) as Array<
      { name: string }
    >).map((r) => r.name.toLowerCase())
  )

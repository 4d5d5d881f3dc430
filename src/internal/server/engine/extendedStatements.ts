/**
 * Routes the statements planned outside statement.ts to their modules (see extension.ts): sequences, synonyms,
 * roles and privileges, RENAME, TRUNCATE, ALTER TABLE rebuilds, ALTER INDEX and MERGE.
 */
import { type ExtensionPlan } from "./extension.ts"
import { planMerge } from "./merge.ts"
import { planPrivilege } from "./privileges.ts"
import { planRenameSequence, planSequence } from "./sequences.ts"
import { planSynonym } from "./synonyms.ts"
import { planAlterIndex, planAlterTable, planRename, planTruncate } from "./tableDdl.ts"
import type { Token } from "./tokenizer.ts"
import { isWord } from "./tokenScan.ts"
import type { TranslateContext, TranslateError } from "./translate.ts"
import { planUserType } from "./userTypes.ts"

const noUserTypes = () => undefined

/** The extension plan of the statement, or undefined when statement.ts plans it (or refuses it). */
export const planExtension = (
  tokens: ReadonlyArray<Token>,
  sql: string,
  ctx: TranslateContext,
  end: number
): ExtensionPlan | TranslateError | undefined => {
  switch (tokens[0]!.upper) {
    case "CREATE":
    case "DROP":
      return planUserType(tokens, end, ctx.userType ?? noUserTypes) ?? planSequence(tokens, end) ??
        planSynonym(tokens, end) ?? planPrivilege(tokens, end)
    case "ALTER":
      if (isWord(tokens[1], "SEQUENCE")) return planSequence(tokens, end)
      if (isWord(tokens[1], "INDEX")) return planAlterIndex(tokens, end)
      if (isWord(tokens[1], "TABLE")) return planAlterTable(tokens, sql, ctx, end)
      return undefined
    case "RENAME":
      if (isWord(tokens[1], "SEQUENCE")) return planRenameSequence(tokens, end)
      return planRename(tokens, end)
    case "TRUNCATE":
      return planTruncate(tokens, end)
    case "GRANT":
    case "REVOKE":
    case "SET":
      return planPrivilege(tokens, end)
    case "MERGE":
      return planMerge(tokens, sql, ctx, end)
    default:
      return undefined
  }
}

/**
 * Small scanners over a statement's token list shared by the planners (planner.ts, ddlPlanner.ts, outerJoin.ts): word and
 * punctuation tests, the last top-level token, the top-level position of a word, the matching close parenthesis.
 */
import type { Token } from "./tokenizer.ts"

export const isWord = (t: Token | undefined, word: string) => t !== undefined && t.kind === "ident" && t.upper === word
export const isPunct = (t: Token | undefined, text: string) => t !== undefined && t.kind === "punct" && t.text === text

/** Index of the last meaningful token (ignoring a trailing ';' and the end marker). */
export const lastIndex = (tokens: ReadonlyArray<Token>) => {
  let n = tokens.length - 1
  while (n > 0 && (tokens[n]!.kind === "end" || isPunct(tokens[n], ";"))) n--
  return n + 1
}

export const findTopLevel = (tokens: ReadonlyArray<Token>, from: number, to: number, pred: (t: Token) => boolean) => {
  let depth = 0
  for (let i = from; i < to; i++) {
    const t = tokens[i]!
    if (isPunct(t, "(")) depth++
    else if (isPunct(t, ")")) depth--
    else if (depth === 0 && pred(t)) return i
  }
  return -1
}

export const findClose = (tokens: ReadonlyArray<Token>, open: number) => {
  let depth = 0
  for (let i = open; i < tokens.length; i++) {
    if (isPunct(tokens[i], "(")) depth++
    else if (isPunct(tokens[i], ")")) {
      depth--
      if (depth === 0) return i
    }
  }
  return tokens.length - 1
}

/** Keywords that end a FROM list or select item (so a word there is not an alias). */
export const clauseEnd = new Set([
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

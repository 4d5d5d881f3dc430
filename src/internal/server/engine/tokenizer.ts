/**
 * Tokenizer for Informix SQL. Translation works on tokens (never on raw text) so string literals, quoted names
 * and comments are never rewritten by accident. Offsets point into the original text (SQ_ERR offsets, -201).
 *
 * Informix specifics: without DELIMIDENT a double-quoted token is a string literal (IBM "Quoted String"); with it
 * (`tokenize(sql, { delimident: true })`) it is a delimited identifier that keeps its case (IBM "Delimited
 * identifiers"), while unquoted names are folded to lower case either way. `{ ... }`
 * is a comment except directly after SET/MULTISET/LIST (collection literals such as `set{1}`), `--` comments,
 * and `::` is the cast operator.
 */

export type TokenKind = "ident" | "number" | "string" | "param" | "op" | "punct" | "end"

export interface Token {
  readonly kind: TokenKind
  /** Identifier text folded to lower case (compare with `upper`), string literal contents unescaped, operator text. */
  readonly text: string
  readonly upper: string
  readonly offset: number
  readonly end: number
  /** A delimited identifier (`"Name"` under DELIMIDENT): its `text` keeps its case and is quoted when emitted. */
  readonly delimited?: true
}

export interface TokenizeError {
  readonly offset: number
  readonly message: string
}

const isIdentStart = (c: string) => /[A-Za-z_\u0080-\uffff]/.test(c)
const isIdentPart = (c: string) => /[A-Za-z0-9_$\u0080-\uffff]/.test(c)
const isDigit = (c: string) => c >= "0" && c <= "9"

const make = (kind: TokenKind, text: string, offset: number, end: number): Token => ({
  kind,
  text,
  upper: kind === "ident" ? text.toUpperCase() : text,
  offset,
  end
})

export const tokenize = (
  sql: string,
  options?: { readonly delimident?: boolean }
): Array<Token> | TokenizeError => {
  const tokens: Array<Token> = []
  let i = 0
  const n = sql.length
  while (i < n) {
    const c = sql[i]!
    if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f") {
      i++
      continue
    }
    if (c === "-" && sql[i + 1] === "-") {
      while (i < n && sql[i] !== "\n") i++
      continue
    }
    if (c === "/" && sql[i + 1] === "*") {
      const close = sql.indexOf("*/", i + 2)
      if (close < 0) return { offset: i, message: "unterminated comment" }
      i = close + 2
      continue
    }
    if (c === "{") {
      const previous = tokens[tokens.length - 1]
      if (previous?.kind === "ident" && ["SET", "MULTISET", "LIST"].includes(previous.upper)) {
        tokens.push(make("punct", "{", i, i + 1))
        i++
        continue
      }
      const close = sql.indexOf("}", i + 1)
      if (close < 0) return { offset: i, message: "unterminated comment" }
      i = close + 1
      continue
    }
    if (c === "'" || c === "\"") {
      let j = i + 1
      let text = ""
      for (;;) {
        if (j >= n) return { offset: i, message: "unterminated string" }
        const d = sql[j]!
        if (d === c) {
          if (sql[j + 1] === c) {
            text += c
            j += 2
            continue
          }
          break
        }
        text += d
        j++
      }
      if (c === "\"" && options?.delimident === true) {
        // Never a keyword: its `upper` keeps the quotes.
        tokens.push({ kind: "ident", text, upper: `"${text}"`, offset: i, end: j + 1, delimited: true })
      } else tokens.push(make("string", text, i, j + 1))
      i = j + 1
      continue
    }
    if (isDigit(c) || (c === "." && isDigit(sql[i + 1] ?? ""))) {
      let j = i
      while (j < n && isDigit(sql[j]!)) j++
      if (sql[j] === "." && sql[j + 1] !== ".") {
        j++
        while (j < n && isDigit(sql[j]!)) j++
      }
      if ((sql[j] === "e" || sql[j] === "E") && (isDigit(sql[j + 1] ?? "") || /[+-]/.test(sql[j + 1] ?? ""))) {
        let k = j + 1
        if (sql[k] === "+" || sql[k] === "-") k++
        if (isDigit(sql[k] ?? "")) {
          while (k < n && isDigit(sql[k]!)) k++
          j = k
        }
      }
      tokens.push(make("number", sql.slice(i, j), i, j))
      i = j
      continue
    }
    if (isIdentStart(c)) {
      let j = i + 1
      while (j < n && isIdentPart(sql[j]!)) j++
      // Informix folds unquoted names to lower case (tables, columns, aliases, indexes, constraints), in the
      // catalog and in DESCRIBE's column names: `firstName` is `firstname` everywhere (IBM "Identifier": case
      // matters only in delimited identifiers, which need DELIMIDENT).
      tokens.push(make("ident", sql.slice(i, j).toLowerCase(), i, j))
      i = j
      continue
    }
    if (c === "?") {
      tokens.push(make("param", "?", i, i + 1))
      i++
      continue
    }
    const two = sql.slice(i, i + 2)
    if (["::", "||", "<=", ">=", "<>", "!=", "=="].includes(two)) {
      tokens.push(make("op", two, i, i + 2))
      i += 2
      continue
    }
    if ("=<>+-*/%".includes(c)) {
      tokens.push(make("op", c, i, i + 1))
      i++
      continue
    }
    // '@' only separates a database from its server in `db@server:table` (crossDatabase.ts).
    if ("(),.;:}[]@".includes(c)) {
      tokens.push(make("punct", c, i, i + 1))
      i++
      continue
    }
    return { offset: i, message: `unexpected character ${c}` }
  }
  tokens.push(make("end", "", n, n))
  return tokens
}

/** Index of the token closing the parenthesis opened at `open` (tokens[open].text === "("), or -1. */
export const matchParen = (tokens: ReadonlyArray<Token>, open: number): number => {
  let depth = 0
  for (let i = open; i < tokens.length; i++) {
    const t = tokens[i]!
    if (t.kind === "punct" && t.text === "(") depth++
    else if (t.kind === "punct" && t.text === ")") {
      depth--
      if (depth === 0) return i
    }
  }
  return -1
}

/** Quotes a name for SQLite (identifiers are case-insensitive in both Informix and SQLite). */
export const quoteIdent = (name: string) => `"${name.replace(/"/g, "\"\"")}"`

/** Renders a string as an SQLite string literal. */
export const quoteString = (text: string) => `'${text.replace(/'/g, "''")}'`

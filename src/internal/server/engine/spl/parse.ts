/**
 * Parser of SPL routines (IBM Informix "SPL statements"): CREATE [DBA] PROCEDURE/FUNCTION text into a tree of
 * statements whose expressions and embedded SQL stay token ranges of the routine text. The interpreter
 * (interpreter.ts) evaluates those ranges through the session's own SQL engine, so SPL expressions have exactly the
 * engine's Informix semantics (casts, dates, functions) and SQL inside a routine sees the session's transaction.
 */
import type { Token } from "../tokenizer.ts"
import { type IfxType, parseType } from "../types.ts"

/** tokens[from, to) of the routine text. */
export interface Range {
  readonly from: number
  readonly to: number
}

export interface Variable {
  readonly name: string
  /** undefined for `LIKE table.column` (resolved when the routine runs). */
  readonly type: IfxType | undefined
  /** `LIKE table.column` */
  readonly like: { readonly table: string; readonly column: string } | undefined
}

export interface Parameter extends Variable {
  readonly defaultValue: Range | undefined
  /** OUT / INOUT parameters hand their final value back to the caller's SPL variable. */
  readonly mode: "in" | "out" | "inout"
}

export type Block = ReadonlyArray<Stmt>

export type Stmt =
  | {
    readonly k: "define"
    readonly vars: ReadonlyArray<Variable>
    readonly global: boolean
    readonly defaultValue: Range | undefined
  }
  | { readonly k: "let"; readonly targets: ReadonlyArray<string>; readonly values: ReadonlyArray<Range> }
  | {
    readonly k: "if"
    readonly branches: ReadonlyArray<{ readonly cond: Range; readonly body: Block }>
    readonly otherwise: Block | undefined
  }
  | {
    readonly k: "for"
    readonly variable: string
    readonly items: ReadonlyArray<
      { readonly from: Range; readonly to: Range | undefined; readonly step: Range | undefined }
    >
    readonly body: Block
  }
  | { readonly k: "while"; readonly cond: Range; readonly body: Block }
  | {
    readonly k: "foreach"
    /** The SELECT (INTO clause removed) or `EXECUTE FUNCTION f(...)` without its INTO. */
    readonly query: ReadonlyArray<Range>
    readonly into: ReadonlyArray<string>
    readonly body: Block
    /** A named cursor over one table: its rows' rowids serve `WHERE CURRENT OF cursor` in the body. */
    readonly cursor: { readonly name: string; readonly table: string } | undefined
  }
  | { readonly k: "continue" | "exit"; readonly loop: string | undefined; readonly offset: number }
  | { readonly k: "return"; readonly values: ReadonlyArray<Range>; readonly resume: boolean }
  | {
    readonly k: "call"
    readonly name: string
    readonly args: ReadonlyArray<Range>
    readonly into: ReadonlyArray<string>
    readonly offset: number
  }
  | { readonly k: "system"; readonly offset: number }
  | { readonly k: "raise"; readonly values: ReadonlyArray<Range> }
  | {
    readonly k: "onException"
    readonly codes: ReadonlyArray<Range> | undefined
    readonly set: ReadonlyArray<string>
    readonly body: Block
    readonly resume: boolean
  }
  | { readonly k: "noop" }
  | { readonly k: "block"; readonly body: Block }
  /** Any other SQL statement; `into` for SELECT ... INTO vars and EXECUTE PROCEDURE/FUNCTION ... INTO vars. */
  | { readonly k: "sql"; readonly parts: ReadonlyArray<Range>; readonly into: ReadonlyArray<string> }

export interface RoutineDefinition {
  readonly name: string
  /** `SPECIFIC name` of the header (names one overload; DROP SPECIFIC ...). */
  readonly specific: string | undefined
  readonly isFunction: boolean
  readonly dba: boolean
  readonly params: ReadonlyArray<Parameter>
  readonly returning: ReadonlyArray<
    { readonly type: IfxType; readonly name: string | undefined }
  >
  readonly body: Block
  /** The whole CREATE text (sysprocbody) and its tokens (the ranges point into them). */
  readonly text: string
  readonly tokens: ReadonlyArray<Token>
}

/** A parse failure: Informix answers -201 at the offending token. */
export interface SplSyntaxError {
  readonly _tag: "SplSyntaxError"
  readonly offset: number
  readonly sqlcode: number
}

const fail = (offset: number, sqlcode = -201): SplSyntaxError => ({ _tag: "SplSyntaxError", offset, sqlcode })
export const isSplSyntaxError = (u: unknown): u is SplSyntaxError =>
  typeof u === "object" && u !== null && (u as { _tag?: unknown })._tag === "SplSyntaxError"

class Failure {
  readonly error: SplSyntaxError
  constructor(error: SplSyntaxError) {
    this.error = error
  }
}

const isWordAt = (x: Token, w: string) => x.kind === "ident" && x.upper === w

/** Words that may follow a FROM table (so they are no alias). */
const fromFollowers = new Set(["WHERE", "GROUP", "ORDER", "HAVING", "UNION", "FOR", "INTO", "LIMIT", "JOIN"])

/** Words that begin an SPL statement: they end an unterminated condition or FOREACH query. */
const statementStarts = new Set([
  "LET",
  "IF",
  "FOR",
  "FOREACH",
  "WHILE",
  "INSERT",
  "UPDATE",
  "DELETE",
  "CALL",
  "RETURN",
  "EXECUTE",
  "RAISE",
  "EXIT",
  "CONTINUE",
  "BEGIN",
  "SYSTEM",
  "TRACE",
  "END",
  "DEFINE",
  "MERGE",
  "DROP",
  "CREATE"
])

export class SplParser {
  private i: number

  readonly tokens: ReadonlyArray<Token>
  constructor(tokens: ReadonlyArray<Token>, start: number) {
    this.tokens = tokens
    this.i = start
  }

  get position() {
    return this.i
  }

  private t(n = 0): Token {
    return this.tokens[Math.min(this.i + n, this.tokens.length - 1)]!
  }

  private word(w: string, n = 0) {
    const t = this.t(n)
    return t.kind === "ident" && t.upper === w
  }

  private punct(p: string, n = 0) {
    const t = this.t(n)
    return t.kind === "punct" && t.text === p
  }

  private op(p: string, n = 0) {
    const t = this.t(n)
    return t.kind === "op" && t.text === p
  }

  private expectWord(w: string) {
    if (!this.word(w)) throw new Failure(fail(this.t().offset))
    this.i++
  }

  private expectPunct(p: string) {
    if (!this.punct(p)) throw new Failure(fail(this.t().offset))
    this.i++
  }

  private ident(): Token {
    const t = this.t()
    if (t.kind !== "ident") throw new Failure(fail(t.offset))
    this.i++
    return t
  }

  private skipSemicolons() {
    while (this.punct(";")) this.i++
  }

  private atEnd() {
    return this.t().kind === "end"
  }

  /** Index of the next top-level token at or after i satisfying `stop`, not crossing parentheses. */
  private scan(stop: (t: Token, index: number) => boolean): number {
    let depth = 0
    let j = this.i
    for (; j < this.tokens.length; j++) {
      const t = this.tokens[j]!
      if (t.kind === "end") return j
      if (t.kind === "punct" && t.text === "(") depth++
      else if (t.kind === "punct" && t.text === ")") {
        if (depth === 0) return j
        depth--
      } else if (depth === 0 && stop(t, j)) return j
    }
    return j
  }

  /** A comma-separated list of expressions up to a top-level stop token. */
  private expressions(stop: (t: Token, index: number) => boolean): Array<Range> {
    const out: Array<Range> = []
    for (;;) {
      const end = this.scan((t, j) => (t.kind === "punct" && (t.text === "," || t.text === ";")) || stop(t, j))
      if (end === this.i) throw new Failure(fail(this.t().offset))
      out.push({ from: this.i, to: end })
      this.i = end
      if (!this.punct(",")) return out
      this.i++
    }
  }

  private isStatementStart = (t: Token, j: number) => {
    if (t.kind !== "ident" || !statementStarts.has(t.upper)) return false
    // FOR UPDATE / FOR READ ONLY belong to a SELECT.
    const next = this.tokens[j + 1]
    const previous = this.tokens[j - 1]
    if (t.upper === "UPDATE" && previous !== undefined && isWordAt(previous, "FOR")) return false
    return !(t.upper === "FOR" && next?.kind === "ident" && (next.upper === "UPDATE" || next.upper === "READ"))
  }

  /** `type` or `LIKE table.column` at the cursor. */
  variableType(): Pick<Variable, "type" | "like"> {
    if (this.word("LIKE")) {
      this.i++
      const table = this.ident().text
      this.expectPunct(".")
      const column = this.ident().text
      return { type: undefined, like: { table, column } }
    }
    if (this.word("REFERENCES")) throw new Failure(fail(this.t().offset))
    const parsed = parseType(this.tokens, this.i)
    if ("offset" in parsed) throw new Failure(fail(parsed.offset))
    this.i = parsed.next
    return { type: parsed.type, like: undefined }
  }

  block(enders: (p: SplParser) => boolean): Array<Stmt> {
    const out: Array<Stmt> = []
    for (;;) {
      this.skipSemicolons()
      if (this.atEnd() || enders(this)) return out
      out.push(this.statement())
    }
  }

  private endOf(what: string) {
    this.expectWord("END")
    this.expectWord(what)
    this.skipSemicolons()
  }

  statement(): Stmt {
    const t = this.t()
    if (t.kind !== "ident") throw new Failure(fail(t.offset))
    switch (t.upper) {
      case "DEFINE":
        return this.define()
      case "LET":
        return this.let()
      case "IF":
        return this.ifStatement()
      case "FOR":
        return this.forStatement()
      case "WHILE": {
        this.i++
        const end = this.scan(this.isStatementStart)
        const cond = { from: this.i, to: end }
        if (end === this.i) throw new Failure(fail(this.t().offset))
        this.i = end
        const body = this.block((p) => p.word("END") && p.word("WHILE", 1))
        this.endOf("WHILE")
        return { k: "while", cond, body }
      }
      case "FOREACH":
        return this.foreach()
      case "CONTINUE":
      case "EXIT": {
        this.i++
        let loop: string | undefined
        if (this.t().kind === "ident" && ["FOR", "FOREACH", "WHILE", "LOOP"].includes(this.t().upper)) {
          loop = this.t().upper
          this.i++
        }
        this.expectPunct(";")
        return { k: t.upper === "EXIT" ? "exit" : "continue", loop, offset: t.offset }
      }
      case "RETURN": {
        this.i++
        let values: Array<Range> = []
        if (!this.punct(";") && !this.word("WITH")) {
          values = this.expressions((x) => x.kind === "ident" && x.upper === "WITH")
        }
        let resume = false
        if (this.word("WITH")) {
          this.i++
          this.expectWord("RESUME")
          resume = true
        }
        this.expectPunct(";")
        return { k: "return", values, resume }
      }
      case "CALL": {
        this.i++
        const name = this.ident()
        const args = this.argumentList()
        const into: Array<string> = []
        if (this.word("RETURNING")) {
          this.i++
          into.push(...this.names())
        }
        this.expectPunct(";")
        return { k: "call", name: name.text, args, into, offset: name.offset }
      }
      case "SYSTEM": {
        const end = this.scan((x) => x.kind === "punct" && x.text === ";")
        this.i = end
        this.expectPunct(";")
        return { k: "system", offset: t.offset }
      }
      case "RAISE": {
        this.i++
        this.expectWord("EXCEPTION")
        const values = this.expressions(() => false)
        if (values.length > 3) throw new Failure(fail(this.tokens[values[3]!.from]!.offset))
        this.expectPunct(";")
        return { k: "raise", values }
      }
      case "ON":
        if (this.word("EXCEPTION", 1)) return this.onException()
        throw new Failure(fail(t.offset))
      case "TRACE": {
        // TRACE ON | OFF | PROCEDURE | expression: accepted, nothing is traced.
        this.i = this.scan((x) => x.kind === "punct" && x.text === ";")
        this.expectPunct(";")
        return { k: "noop" }
      }
      case "BEGIN": {
        // BEGIN WORK is SQL; BEGIN alone opens a statement block.
        if (this.word("WORK", 1) || this.punct(";", 1)) return this.sql()
        this.i++
        const body = this.block((p) => p.word("END") && !p.word("IF", 1) && !p.word("FOR", 1) && !p.word("WHILE", 1))
        this.expectWord("END")
        this.skipSemicolons()
        return { k: "block", body }
      }
      default:
        return this.sql()
    }
  }

  private names(): Array<string> {
    const out = [this.ident().text]
    while (this.punct(",")) {
      this.i++
      out.push(this.ident().text)
    }
    return out
  }

  private argumentList(): Array<Range> {
    this.expectPunct("(")
    if (this.punct(")")) {
      this.i++
      return []
    }
    const args = this.expressions(() => false)
    this.expectPunct(")")
    return args
  }

  private define(): Stmt {
    this.i++
    let global = false
    if (this.word("GLOBAL")) {
      global = true
      this.i++
    }
    const names = this.names()
    const type = this.variableType()
    let defaultValue: Range | undefined
    if (this.word("DEFAULT")) {
      this.i++
      const end = this.scan((x) => x.kind === "punct" && x.text === ";")
      defaultValue = { from: this.i, to: end }
      this.i = end
    }
    // GLOBAL variables need a DEFAULT (IBM "DEFINE").
    if (global && defaultValue === undefined) throw new Failure(fail(this.t().offset))
    this.expectPunct(";")
    return {
      k: "define",
      vars: names.map((name) => ({ name, type: type.type, like: type.like })),
      global,
      defaultValue
    }
  }

  private let(): Stmt {
    this.i++
    const targets = this.names()
    if (!this.op("=")) throw new Failure(fail(this.t().offset))
    this.i++
    const values = this.expressions(() => false)
    this.expectPunct(";")
    return { k: "let", targets, values }
  }

  private ifStatement(): Stmt {
    const branches: Array<{ cond: Range; body: Block }> = []
    let otherwise: Block | undefined
    this.i++
    for (;;) {
      const end = this.scan((x) => x.kind === "ident" && x.upper === "THEN")
      if (!this.tokens[end] || this.tokens[end]!.upper !== "THEN" || end === this.i) {
        throw new Failure(fail(this.tokens[end]?.offset ?? this.t().offset))
      }
      const cond = { from: this.i, to: end }
      this.i = end + 1
      const body = this.block((p) => p.word("ELIF") || p.word("ELSE") || (p.word("END") && p.word("IF", 1)))
      branches.push({ cond, body })
      if (this.word("ELIF")) {
        this.i++
        continue
      }
      if (this.word("ELSE")) {
        this.i++
        otherwise = this.block((p) => p.word("END") && p.word("IF", 1))
      }
      this.endOf("IF")
      return { k: "if", branches, otherwise }
    }
  }

  private forStatement(): Stmt {
    this.i++
    const variable = this.ident().text
    const items: Array<{ from: Range; to: Range | undefined; step: Range | undefined }> = []
    const item = (stop: (x: Token, j: number) => boolean) => {
      const bound = (extra: (x: Token, j: number) => boolean) => {
        const end = this.scan((x, j) =>
          isWordAt(x, "TO") || isWordAt(x, "STEP") || (x.kind === "punct" && x.text === ",") || extra(x, j)
        )
        if (end === this.i) throw new Failure(fail(this.t().offset))
        const r = { from: this.i, to: end }
        this.i = end
        return r
      }
      const from = bound(stop)
      let to: Range | undefined
      let step: Range | undefined
      if (this.word("TO")) {
        this.i++
        to = bound(stop)
        if (this.word("STEP")) {
          this.i++
          step = bound(stop)
        }
      }
      items.push({ from, to, step })
    }
    if (this.word("IN")) {
      this.i++
      this.expectPunct("(")
      for (;;) {
        item(() => false)
        if (!this.punct(",")) break
        this.i++
      }
      this.expectPunct(")")
    } else {
      if (!this.op("=")) throw new Failure(fail(this.t().offset))
      this.i++
      item(this.isStatementStart)
      if (items[0]!.to === undefined) throw new Failure(fail(this.t().offset))
    }
    const body = this.block((p) => p.word("END") && p.word("FOR", 1))
    this.endOf("FOR")
    return { k: "for", variable, items, body }
  }

  private foreach(): Stmt {
    this.i++
    // FOREACH [cursor [WITH HOLD] FOR] SELECT ... | EXECUTE FUNCTION ...
    let cursorName: string | undefined
    if (this.t().kind === "ident" && !this.word("SELECT") && !this.word("EXECUTE") && !this.word("WITH")) {
      cursorName = this.t().text
      this.i++
      if (this.word("WITH")) {
        this.i++
        this.expectWord("HOLD")
      }
      this.expectWord("FOR")
    } else if (this.word("WITH")) {
      this.i += 1
      this.expectWord("HOLD")
      this.expectWord("FOR")
    }
    const start = this.i
    if (!this.word("SELECT") && !this.word("EXECUTE")) throw new Failure(fail(this.t().offset))
    this.i++
    const end = this.scan((x, j) =>
      (x.kind === "punct" && x.text === ";") || (j > start && this.isStatementStart(x, j))
    )
    const { parts, into } = this.splitInto(start, end)
    const table = cursorName === undefined || !this.word("SELECT", start - this.i)
      ? undefined
      : this.singleTable(start, end)
    this.i = end
    this.skipSemicolons()
    const body = this.block((p) => p.word("END") && p.word("FOREACH", 1))
    this.endOf("FOREACH")
    const cursor = cursorName === undefined || table === undefined || into.length === 0
      ? undefined
      : { name: cursorName, table }
    return { k: "foreach", query: parts, into, body, cursor }
  }

  /** The name (or alias) of the only table of a SELECT's FROM clause, else undefined. */
  private singleTable(from: number, to: number): string | undefined {
    let depth = 0
    for (let j = from; j < to; j++) {
      const t = this.tokens[j]!
      if (t.kind === "punct" && t.text === "(") depth++
      else if (t.kind === "punct" && t.text === ")") depth--
      else if (depth === 0 && isWordAt(t, "FROM")) {
        let k = j + 1
        const table = this.tokens[k]
        if (table?.kind !== "ident") return undefined
        k++
        if (isWordAt(this.tokens[k]!, "AS")) k++
        let name = table.text
        const alias = this.tokens[k]
        if (alias?.kind === "ident" && !fromFollowers.has(alias.upper)) {
          name = alias.text
          k++
        }
        const next = this.tokens[k]
        return k >= to || (next?.kind === "ident" && fromFollowers.has(next.upper) && next.upper !== "JOIN")
          ? name
          : undefined
      }
    }
    return undefined
  }

  /** Removes a top-level `INTO v1, v2` (not INTO TEMP, not INSERT INTO) from tokens[from, to). */
  private splitInto(from: number, to: number): { parts: Array<Range>; into: Array<string> } {
    const first = this.tokens[from]!
    if (first.upper === "INSERT" || first.upper === "MERGE") return { parts: [{ from, to }], into: [] }
    let depth = 0
    for (let j = from; j < to; j++) {
      const t = this.tokens[j]!
      if (t.kind === "punct" && t.text === "(") depth++
      else if (t.kind === "punct" && t.text === ")") depth--
      else if (depth === 0 && t.kind === "ident" && t.upper === "INTO") {
        const next = this.tokens[j + 1]
        if (next?.kind === "ident" && (next.upper === "TEMP" || next.upper === "SCRATCH")) continue
        const into: Array<string> = []
        let k = j + 1
        for (;;) {
          const n = this.tokens[k]
          if (n?.kind !== "ident") throw new Failure(fail(n?.offset ?? t.offset))
          into.push(n.text)
          k++
          if (!(this.tokens[k]?.kind === "punct" && this.tokens[k]!.text === ",")) break
          k++
        }
        return { parts: [{ from, to: j }, { from: k, to }], into }
      }
    }
    return { parts: [{ from, to }], into: [] }
  }

  private onException(): Stmt {
    this.i += 2
    let codes: Array<Range> | undefined
    if (this.word("IN")) {
      this.i++
      this.expectPunct("(")
      codes = this.expressions(() => false)
      this.expectPunct(")")
    }
    const set: Array<string> = []
    if (this.word("SET")) {
      this.i++
      set.push(...this.names())
    }
    const body = this.block((p) => p.word("END") && p.word("EXCEPTION", 1))
    this.expectWord("END")
    this.expectWord("EXCEPTION")
    let resume = false
    if (this.word("WITH") && this.word("RESUME", 1)) {
      resume = true
      this.i += 2
    }
    this.skipSemicolons()
    return { k: "onException", codes, set, body, resume }
  }

  private sql(): Stmt {
    const start = this.i
    const end = this.scan((x) => x.kind === "punct" && x.text === ";")
    if (!this.punct(";", end - this.i)) throw new Failure(fail(this.tokens[end]?.offset ?? this.t().offset))
    const { parts, into } = this.splitInto(start, end)
    this.i = end + 1
    return { k: "sql", parts, into }
  }

  routineHeader(dba: boolean): Omit<RoutineDefinition, "body" | "text" | "tokens"> {
    const kind = this.ident()
    const isFunction = kind.upper === "FUNCTION"
    const name = this.ident()
    if (this.punct(".")) throw new Failure(fail(this.t().offset))
    this.expectPunct("(")
    const params: Array<Parameter> = []
    if (!this.punct(")")) {
      for (;;) {
        let mode: Parameter["mode"] = "in"
        if (this.word("OUT") || this.word("INOUT")) {
          // IBM -9715 "A procedure cannot have any OUT parameters."
          if (!isFunction) throw new Failure(fail(this.t().offset, -9715))
          mode = this.word("OUT") ? "out" : "inout"
          this.i++
        } else if (this.word("IN")) this.i++
        const pname = this.ident().text
        const type = this.variableType()
        let defaultValue: Range | undefined
        if (this.word("DEFAULT")) {
          this.i++
          const end = this.scan((x) => x.kind === "punct" && x.text === ",")
          defaultValue = { from: this.i, to: end }
          this.i = end
        }
        params.push({ name: pname, ...type, defaultValue, mode })
        if (!this.punct(",")) break
        this.i++
      }
    }
    this.expectPunct(")")
    const returning: Array<{ type: IfxType; name: string | undefined }> = []
    if (this.word("RETURNING") || this.word("RETURNS")) {
      this.i++
      for (;;) {
        const type = this.variableType()
        if (type.type === undefined) throw new Failure(fail(this.t().offset))
        let rname: string | undefined
        if (this.word("AS")) {
          this.i++
          rname = this.ident().text
        }
        returning.push({ type: type.type, name: rname })
        if (!this.punct(",")) break
        this.i++
      }
    }
    this.skipSemicolons()
    // SPECIFIC name (kept: it names this overload); WITH (modifiers): accepted and ignored.
    let specific: string | undefined
    if (this.word("SPECIFIC")) {
      this.i++
      specific = this.ident().text
      this.skipSemicolons()
    }
    if (this.word("WITH") && this.punct("(", 1)) {
      this.i++
      this.i = this.scan(() => false) + 1
      this.skipSemicolons()
    }
    return { name: name.text, specific, isFunction, dba, params, returning }
  }
}

/**
 * Parses `CREATE [DBA] PROCEDURE|FUNCTION ... END PROCEDURE|FUNCTION [DOCUMENT ...] [WITH LISTING IN '...']`.
 * `start` is the index of PROCEDURE/FUNCTION.
 */
export const parseRoutine = (
  text: string,
  tokens: ReadonlyArray<Token>,
  start: number,
  dba: boolean
): RoutineDefinition | SplSyntaxError => {
  const p = new SplParser(tokens, start)
  try {
    const header = p.routineHeader(dba)
    const ender = header.isFunction ? "FUNCTION" : "PROCEDURE"
    const body = p.block((q) => q.tokens[q.position]?.upper === "END" && q.tokens[q.position + 1]?.upper === ender)
    let i = p.position
    if (tokens[i]?.upper !== "END" || tokens[i + 1]?.upper !== ender) return fail(tokens[i]?.offset ?? text.length)
    i += 2
    // DOCUMENT 'text' [, ...] and WITH LISTING IN 'file' are accepted and ignored.
    if (tokens[i]?.upper === "DOCUMENT") {
      i++
      while (tokens[i]?.kind === "string" || tokens[i]?.text === ",") i++
    }
    if (tokens[i]?.upper === "WITH" && tokens[i + 1]?.upper === "LISTING") i += 4
    while (tokens[i]?.text === ";") i++
    if (tokens[i]?.kind !== "end") return fail(tokens[i]!.offset)
    // A RETURN with values in a procedure without RETURNING is accepted by old servers; keep it permissive.
    return { ...header, body, text, tokens }
  } catch (error) {
    if (error instanceof Failure) return error.error
    throw error
  }
}

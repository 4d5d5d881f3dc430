/**
 * The SPL interpreter: runs a parsed routine (parse.ts) against the session that called it.
 *
 * Expressions, conditions and embedded SQL are not evaluated here but rendered back to SQL with SPL variables as
 * `?` parameters and run through the session's own engine (`SplHost`), so they have exactly the engine's Informix
 * semantics and see the session's transaction. A routine that returns rows (RETURN ... WITH RESUME) runs to its end
 * and hands back all its rows: the caller reads them as a cursor.
 */
import type { EngineCursor, EngineError, ExecResult, Prepared, Value } from "../api.ts"
import { engineError } from "../engineErrors.ts"
import type { Token } from "../tokenizer.ts"
import { family, type IfxType, isSerial, typeName, Types } from "../types.ts"
import { fromStorage, isConversionError, toStorage } from "../values.ts"
import type { Block, Range, RoutineDefinition, Stmt, Variable } from "./parse.ts"

/** What the interpreter needs from the session. */
export interface SplHost {
  prepare(sql: string): Prepared | EngineError
  execute(prepared: Prepared, params: ReadonlyArray<Value>): ExecResult | EngineError
  openCursor(prepared: Prepared, params: ReadonlyArray<Value>): EngineCursor | EngineError
  columnType(table: string, column: string): IfxType | undefined
  /** The session's GLOBAL variables (IBM: global to the session, kept across routine calls). */
  readonly globals: Map<string, Value>
  /** A routine of that name has OUT / INOUT parameters (its calls from SPL hand their values back). */
  hasOutParams(name: string): boolean
}

/** An Informix error unwinding the interpreter (caught by ON EXCEPTION handlers and at the routine boundary). */
export class SplThrow {
  readonly error: EngineError
  constructor(error: EngineError) {
    this.error = error
  }
}

const isError = (u: unknown): u is EngineError =>
  typeof u === "object" && u !== null && (u as { _tag?: unknown })._tag === "EngineError"

const raise = (e: EngineError): never => {
  throw new SplThrow(e)
}

type Signal =
  | undefined
  | { readonly k: "return" }
  | { readonly k: "exit" | "continue"; readonly loop: string | undefined }

interface Slot {
  value: Value
  readonly type: IfxType | undefined
}

/** Values an expression may reference besides variables: a trigger's `old.col` / `new.col`. */
export type Correlation = (qualifier: string, column: string) => { readonly value: Value } | undefined

const castable = (t: IfxType): IfxType => isSerial(t) ? (t.code === 6 ? Types.integer : Types.int8) : t

/**
 * A variable's value as a statement parameter. node:sqlite binds every JS number as a double, so an integral value
 * is bound as an integer (`'n' || i` must read `n1`, not `n1.0`), except in FLOAT/DECIMAL variables.
 */
const bindable = (value: Value, type: IfxType | undefined): Value =>
  typeof value === "number" && Number.isInteger(value) &&
    (type === undefined || family(type) === "int" || family(type) === "bigint")
    ? BigInt(value)
    : value

const isPunct = (t: Token | undefined, p: string) => t !== undefined && t.kind === "punct" && t.text === p

/** Top-level comma-separated ranges of tokens(open, close). */
export const argumentRanges = (tokens: ReadonlyArray<Token>, open: number, close: number): Array<Range> => {
  const out: Array<Range> = []
  if (close === open + 1) return out
  let depth = 0
  let start = open + 1
  for (let i = open + 1; i < close; i++) {
    const t = tokens[i]!
    if (isPunct(t, "(")) depth++
    else if (isPunct(t, ")")) depth--
    else if (depth === 0 && isPunct(t, ",")) {
      out.push({ from: start, to: i })
      start = i + 1
    }
  }
  out.push({ from: start, to: close })
  return out
}

/** Routine calls nested deeper than this fail (a runaway recursion must not exhaust the JS stack). */
const MAX_DEPTH = 64

export class Interpreter {
  private depth = 0
  /** Routine calls, trigger actions and conditions being run (their statements have their owner's privileges). */
  private running = 0
  get active(): boolean {
    return this.running > 0
  }
  /** An SPL statement is calling a routine and will read OUT / INOUT values back (routines.ts allows the call). */
  outCall = false
  /** The final values of the OUT / INOUT parameters of the last routine call (undefined for IN parameters). */
  lastOut: ReadonlyArray<Value | undefined> = []
  private readonly expressionCache = new Map<string, Prepared>()

  readonly host: SplHost
  constructor(host: SplHost) {
    this.host = host
  }

  /** Runs `routine` with `args` (fewer than its parameters: the rest take their DEFAULT). Returns its rows. */
  call(routine: RoutineDefinition, args: ReadonlyArray<Value>): Array<Array<Value>> | EngineError {
    if (args.length > routine.params.length) return engineError(-674, { parameter: routine.name })
    if (this.depth >= MAX_DEPTH) return engineError(-746, { parameter: `${routine.name}: routine nesting too deep` })
    this.depth++
    this.running++
    try {
      const frame = new Frame(this, routine.text, routine.tokens, undefined)
      routine.params.forEach((p, i) => {
        const type = this.resolveType(p)
        let value: Value
        if (i < args.length) value = args[i]!
        else if (p.defaultValue !== undefined) value = frame.evaluate([p.defaultValue], [type])[0]!
        else return raise(engineError(-674, { parameter: routine.name }))
        frame.declare(p.name, type, type === undefined ? value : frame.coerce(value, type))
      })
      const rows: Array<Array<Value>> = []
      frame.returning = routine.returning.map((r) => r.type)
      frame.rows = rows
      frame.run(routine.body)
      this.lastOut = routine.params.map((p) => (p.mode === "in" ? undefined : frame.valueOf(p.name)))
      return rows
    } catch (error) {
      // Offsets inside the routine's own statements mean nothing to the caller's statement text.
      if (error instanceof SplThrow) return { ...error.error, offset: 0 }
      throw error
    } finally {
      this.depth--
      this.running--
    }
  }

  /** Runs trigger actions (SPL statements) with `old.` / `new.` correlation values. */
  runActions(
    text: string,
    tokens: ReadonlyArray<Token>,
    body: Block,
    correlation: Correlation
  ): EngineError | undefined {
    const outcome = this.trap(() => new Frame(this, text, tokens, correlation).run(body))
    return isError(outcome) ? outcome : undefined
  }

  /** Runs a trigger's `EXECUTE PROCEDURE ...` (its INTO clause cut off) and returns the first row it returns. */
  callInto(
    text: string,
    tokens: ReadonlyArray<Token>,
    parts: ReadonlyArray<Range>,
    correlation: Correlation
  ): Array<Value> | EngineError {
    return this.trap(() => new Frame(this, text, tokens, correlation).firstRow(parts))
  }

  /** Evaluates a WHEN condition of a trigger. */
  condition(text: string, tokens: ReadonlyArray<Token>, cond: Range, correlation: Correlation): boolean | EngineError {
    return this.trap(() => new Frame(this, text, tokens, correlation).condition(cond))
  }

  /** Runs part of a trigger: an SPL error becomes the result; the interpreter is `active` meanwhile. */
  private trap<A>(body: () => A): A | EngineError {
    this.running++
    try {
      return body()
    } catch (error) {
      if (error instanceof SplThrow) return error.error
      throw error
    } finally {
      this.running--
    }
  }

  resolveType(v: Variable): IfxType | undefined {
    if (v.like === undefined) return v.type
    const t = this.host.columnType(v.like.table, v.like.column)
    if (t === undefined) return raise(engineError(-217, { parameter: `${v.like.table}.${v.like.column}` }))
    return castable(t)
  }

  /** The type of a parameter or variable; undefined when untyped or `LIKE` names an unknown column. */
  resolveTypeOrUndefined(v: Variable): IfxType | undefined {
    if (v.like === undefined) return v.type
    const t = this.host.columnType(v.like.table, v.like.column)
    return t === undefined ? undefined : castable(t)
  }

  prepareExpression(sql: string): Prepared | EngineError {
    const cached = this.expressionCache.get(sql)
    if (cached !== undefined) return cached
    const prepared = this.host.prepare(sql)
    if (!isError(prepared)) {
      if (this.expressionCache.size > 256) this.expressionCache.clear()
      this.expressionCache.set(sql, prepared)
    }
    return prepared
  }
}

/** One routine invocation (or one trigger action list): its variables and where its rows go. */
class Frame {
  private readonly vars = new Map<string, Slot>()
  private readonly globalNames = new Set<string>()
  /** rowid of the current row of each named FOREACH cursor (WHERE CURRENT OF). */
  private readonly cursors = new Map<string, Value>()
  returning: ReadonlyArray<IfxType> = []
  rows: Array<Array<Value>> | undefined
  private readonly interpreter: Interpreter
  private readonly text: string
  private readonly tokens: ReadonlyArray<Token>
  private readonly correlation: Correlation | undefined

  constructor(
    interpreter: Interpreter,
    text: string,
    tokens: ReadonlyArray<Token>,
    correlation: Correlation | undefined
  ) {
    this.interpreter = interpreter
    this.text = text
    this.tokens = tokens
    this.correlation = correlation
  }

  private get host() {
    return this.interpreter.host
  }

  valueOf(name: string): Value {
    return this.slot(name)?.value ?? null
  }

  declare(name: string, type: IfxType | undefined, value: Value) {
    this.vars.set(name.toLowerCase(), { value, type })
  }

  private slot(name: string): Slot | undefined {
    const lower = name.toLowerCase()
    if (this.globalNames.has(lower)) {
      const host = this.host
      const type = this.vars.get(lower)?.type
      return {
        get value() {
          return host.globals.get(lower) ?? null
        },
        set value(v: Value) {
          host.globals.set(lower, v)
        },
        type
      }
    }
    return this.vars.get(lower)
  }

  private assign(name: string, value: Value, offset: number) {
    const slot = this.slot(name)
    // An undefined variable: a syntax-level error naming it (Informix reports it at CREATE; code not pinned).
    if (slot === undefined) return raise(engineError(-201, { parameter: name, offset }))
    slot.value = slot.type === undefined ? value : this.coerce(value, slot.type)
  }

  coerce(value: Value, type: IfxType): Value {
    if (value === null) return null
    const stored = toStorage(value, type)
    if (isConversionError(stored)) return raise(engineError(stored.sqlcode))
    return fromStorage(stored, type)
  }

  // -----------------------------------------------------------------------------------------------------------
  // rendering SPL text back to SQL
  // -----------------------------------------------------------------------------------------------------------

  /**
   * The SQL text of token ranges with variables (and `old.col` / `new.col` in trigger actions) replaced by `?`,
   * and their values in order. In SQL statements names right after FROM/INTO/UPDATE/JOIN/TABLE, before `(` or
   * `.`, after `.`, and column names of INSERT lists and UPDATE SET targets stay names.
   */
  render(ranges: ReadonlyArray<Range>, sqlStatement: boolean): { sql: string; params: Array<Value> } {
    const parts: Array<string> = []
    const params: Array<Value> = []
    const tk = this.tokens
    for (const r of ranges) {
      let insertColumns = -1
      let inSet = false
      let depth = 0
      for (let j = r.from; j < r.to; j++) {
        const t = tk[j]!
        if (isPunct(t, "(")) depth++
        else if (isPunct(t, ")")) depth--
        if (t.kind === "param") return raise(engineError(-201, { offset: t.offset }))
        if (
          sqlStatement && t.kind === "ident" && t.upper === "CURRENT" && tk[j + 1]?.upper === "OF" &&
          tk[j + 2]?.kind === "ident"
        ) {
          const rowid = this.cursors.get(tk[j + 2]!.text.toLowerCase())
          // WHERE CURRENT OF a cursor that is not an open FOREACH cursor over one table (code not pinned).
          if (rowid === undefined) return raise(engineError(-201, { offset: t.offset, parameter: tk[j + 2]!.text }))
          parts.push("rowid = ?")
          params.push(rowid)
          j += 2
          continue
        }
        if (sqlStatement && t.kind === "ident") {
          if (t.upper === "SET" && depth === 0) inSet = true
          else if (t.upper === "WHERE" && depth === 0) inSet = false
          if (t.upper === "INTO" && tk[j + 2] !== undefined && isPunct(tk[j + 2], "(")) insertColumns = j + 2
        }
        if (t.kind === "ident" && !isPunct(tk[j - 1], ".")) {
          const prev = tk[j - 1]
          const nameSlot = sqlStatement && prev?.kind === "ident" &&
            ["FROM", "INTO", "UPDATE", "JOIN", "TABLE", "AS", "ON", "PROCEDURE", "FUNCTION"].includes(prev.upper) &&
            !(prev.upper === "ON" && !isPunct(tk[j + 1], "."))
          if (this.correlation !== undefined && isPunct(tk[j + 1], ".") && tk[j + 2]?.kind === "ident") {
            const found = this.correlation(t.text, tk[j + 2]!.text)
            if (found !== undefined) {
              parts.push("?")
              params.push(bindable(found.value, undefined))
              j += 2
              continue
            }
          }
          const inInsertList = insertColumns >= 0 && depth === 1 && j > insertColumns &&
            (isPunct(tk[j - 1], "(") || isPunct(tk[j - 1], ","))
          const setTarget = inSet && depth === 0 && tk[j + 1]?.kind === "op" && tk[j + 1]!.text === "=" &&
            (isPunct(tk[j - 1], ",") || (tk[j - 1]?.kind === "ident" && tk[j - 1]!.upper === "SET"))
          const slot = isPunct(tk[j + 1], ".") || isPunct(tk[j + 1], "(") || nameSlot || inInsertList || setTarget
            ? undefined
            : this.slot(t.text)
          if (slot !== undefined) {
            parts.push("?")
            params.push(bindable(slot.value, slot.type))
            continue
          }
        }
        if (insertColumns >= 0 && depth === 0 && j > insertColumns) insertColumns = -1
        parts.push(this.text.slice(t.offset, t.end))
      }
      parts.push(" ")
    }
    return { sql: parts.join(" "), params }
  }

  /** Runs `SELECT e1, e2, ...` (each cast to its type when known) and returns its one row. */
  evaluate(ranges: ReadonlyArray<Range>, types: ReadonlyArray<IfxType | undefined>): Array<Value> {
    const out: Array<Value | undefined> = []
    let needSql = false
    ranges.forEach((r, i) => {
      // A lone variable needs no SQL.
      const t = this.tokens[r.from]!
      const slot = r.to - r.from === 1 && t.kind === "ident" ? this.slot(t.text) : undefined
      if (slot !== undefined) {
        const type = types[i]
        out.push(type === undefined ? slot.value : this.coerce(slot.value, type))
      } else {
        out.push(undefined)
        needSql = true
      }
    })
    if (!needSql) return out as Array<Value>
    const rendered = ranges.map((r, i) => {
      const { params, sql } = this.render([r], false)
      const type = types[i]
      return { sql: type === undefined ? `(${sql})` : `CAST((${sql}) AS ${typeName(castable(type))})`, params }
    })
    const sql = `SELECT ${rendered.map((x) => x.sql).join(", ")}`
    const row = this.queryOne(sql, rendered.flatMap((x) => x.params), true)
    return out.map((v, i) => v === undefined ? row?.[i] ?? null : v)
  }

  condition(cond: Range): boolean {
    const { params, sql } = this.render([cond], false)
    const row = this.queryOne(`SELECT CASE WHEN (${sql}) THEN 1 ELSE 0 END`, params, true)
    return Number(row?.[0] ?? 0) === 1
  }

  private query(sql: string, params: ReadonlyArray<Value>, expression: boolean): Array<Array<Value>> {
    const prepared = expression ? this.interpreter.prepareExpression(sql) : this.host.prepare(sql)
    if (isError(prepared)) return raise(prepared)
    const cursor = this.host.openCursor(prepared, params)
    if (isError(cursor)) return raise(cursor)
    const rows: Array<Array<Value>> = []
    for (;;) {
      const chunk = cursor.next(256)
      if (isError(chunk)) return raise(chunk)
      if (chunk.length === 0) break
      rows.push(...chunk)
    }
    cursor.close()
    return rows
  }

  private queryOne(sql: string, params: ReadonlyArray<Value>, expression: boolean): Array<Value> | undefined {
    return this.query(sql, params, expression)[0]
  }

  // -----------------------------------------------------------------------------------------------------------
  // statements
  // -----------------------------------------------------------------------------------------------------------

  run(body: Block): Signal {
    const handlers = body.filter((s): s is Extract<Stmt, { k: "onException" }> => s.k === "onException")
    for (let i = 0; i < body.length; i++) {
      const s = body[i]!
      if (s.k === "onException") continue
      try {
        const signal = this.statement(s)
        if (signal !== undefined) return signal
      } catch (error) {
        if (!(error instanceof SplThrow) || handlers.length === 0) throw error
        const e = error.error
        const handler = handlers.find((h) =>
          h.codes === undefined ||
          h.codes.some((c) => Number(this.evaluate([c], [Types.integer])[0]) === e.sqlcode)
        )
        if (handler === undefined) throw error
        const setValues: Array<Value> = [e.sqlcode, e.isamCode, e.parameter]
        handler.set.forEach((name, n) => this.assign(name, setValues[n] ?? null, 0))
        const signal = this.run(handler.body)
        if (signal !== undefined) return signal
        // Without WITH RESUME control leaves the block that holds the handler.
        if (!handler.resume) return undefined
      }
    }
    return undefined
  }

  private loopBody(body: Block, loop: string): "break" | "next" | Signal {
    const signal = this.run(body)
    if (signal === undefined) return "next"
    if (signal.k === "return") return signal
    if (signal.loop !== undefined && signal.loop !== loop && !(signal.loop === "LOOP")) return signal
    return signal.k === "exit" ? "break" : "next"
  }

  private statement(s: Stmt): Signal {
    switch (s.k) {
      case "noop":
        return undefined
      case "define": {
        for (const v of s.vars) {
          const type = this.interpreter.resolveType(v)
          const lower = v.name.toLowerCase()
          if (s.global) {
            this.globalNames.add(lower)
            this.vars.set(lower, { value: null, type })
            if (!this.host.globals.has(lower)) {
              const initial = this.evaluate([s.defaultValue!], [type])[0]!
              this.host.globals.set(lower, initial)
            }
          } else this.declare(v.name, type, null)
        }
        return undefined
      }
      case "let": {
        const first = s.values[0]!
        if (s.values.length === 1 && s.targets.length > 1) {
          // LET a, b = (SELECT x, y ...) or LET a, b = f(...) with a function returning several values.
          const row = this.multiValue(first)
          s.targets.forEach((name, n) => this.assign(name, row?.[n] ?? null, this.tokens[first.from]!.offset))
          return undefined
        }
        if (s.values.length !== s.targets.length) {
          return raise(engineError(-201, { offset: this.tokens[first.from]!.offset }))
        }
        const callee = this.tokens[first.from]!
        if (
          s.targets.length === 1 && callee.kind === "ident" && isPunct(this.tokens[first.from + 1], "(") &&
          isPunct(this.tokens[first.to - 1], ")") && this.host.hasOutParams(callee.text)
        ) {
          // LET r = f(a, v) with OUT / INOUT parameters: run as EXECUTE FUNCTION so v receives its value.
          const row = this.multiValue(first)
          this.assign(s.targets[0]!, row?.[0] ?? null, callee.offset)
          return undefined
        }
        const types = s.targets.map((name) => this.slotOrFail(name, first).type)
        const values = this.evaluate(s.values, types)
        s.targets.forEach((name, n) => this.assign(name, values[n]!, 0))
        return undefined
      }
      case "if": {
        for (const b of s.branches) {
          if (this.condition(b.cond)) return this.run(b.body)
        }
        return s.otherwise === undefined ? undefined : this.run(s.otherwise)
      }
      case "while": {
        for (let guard = 0; this.condition(s.cond); guard++) {
          const r = this.loopBody(s.body, "WHILE")
          if (r === "break") break
          if (r !== "next") return r
        }
        return undefined
      }
      case "for": {
        // A loop variable nobody DEFINEd is an INTEGER of the routine (IBM: the FOR statement defines it).
        if (this.slot(s.variable) === undefined) this.declare(s.variable, Types.integer, null)
        const type = this.slot(s.variable)!.type ?? Types.integer
        for (const item of s.items) {
          if (item.to === undefined) {
            this.assign(s.variable, this.evaluate([item.from], [type])[0]!, 0)
            const r = this.loopBody(s.body, "FOR")
            if (r === "break") return undefined
            if (r !== "next") return r
            continue
          }
          const [from, to, step] = this.evaluate(
            [item.from, item.to, ...(item.step === undefined ? [] : [item.step])],
            [Types.float, Types.float, Types.float]
          ).map(Number)
          const by = step ?? (from! <= to! ? 1 : -1)
          if (by === 0) return raise(engineError(-201, { offset: this.tokens[item.step!.from]!.offset }))
          for (let v = from!; by > 0 ? v <= to! : v >= to!; v += by) {
            this.assign(s.variable, v, 0)
            const r = this.loopBody(s.body, "FOR")
            if (r === "break") return undefined
            if (r !== "next") return r
          }
        }
        return undefined
      }
      case "foreach": {
        const { params, sql } = s.cursor === undefined
          ? this.render(s.query, true)
          : this.render(s.query.slice(0, 1), true)
        const rest = s.cursor === undefined || s.query.length < 2 ? undefined : this.render(s.query.slice(1), true)
        const text = s.cursor === undefined
          ? sql
          : `${sql}, ${s.cursor.table}.rowid ${rest?.sql ?? ""}`
        const rows = this.query(text, [...params, ...(rest?.params ?? [])], false)
        const key = s.cursor?.name.toLowerCase()
        try {
          for (const row of rows) {
            if (key !== undefined) this.cursors.set(key, row[row.length - 1] ?? null)
            s.into.forEach((name, n) => this.assign(name, row[n] ?? null, 0))
            const r = this.loopBody(s.body, "FOREACH")
            if (r === "break") break
            if (r !== "next") return r
          }
        } finally {
          if (key !== undefined) this.cursors.delete(key)
        }
        return undefined
      }
      case "continue":
      case "exit":
        return { k: s.k, loop: s.loop }
      case "return": {
        if (s.values.length > 0) {
          if (this.rows === undefined) {
            return raise(engineError(-201, { offset: this.tokens[s.values[0]!.from]!.offset }))
          }
          // IBM -685: the number of returned values differs from the RETURNING clause.
          if (s.values.length !== this.returning.length) return raise(engineError(-685))
          this.rows.push(this.evaluate(s.values, this.returning))
        }
        return s.resume ? undefined : { k: "return" }
      }
      case "call": {
        const rows = this.callRoutine(s.into.length > 0 ? "FUNCTION" : "PROCEDURE", s.name, s.args, s.into.length > 0)
        s.into.forEach((name, n) => this.assign(name, rows[0]?.[n] ?? null, s.offset))
        return undefined
      }
      case "system":
        // IBM -668 "System command cannot be executed.": the TestServer never runs operating-system commands.
        return raise(engineError(-668, { offset: s.offset, parameter: "SYSTEM is not supported by the TestServer" }))
      case "raise": {
        const [sqlcode, isam, message] = this.evaluate(
          s.values,
          [Types.integer, Types.integer, Types.varchar(255)].slice(0, s.values.length)
        )
        return raise(engineError(Number(sqlcode ?? 0), {
          isamCode: isam === undefined || isam === null ? 0 : Number(isam),
          parameter: message === undefined || message === null ? "" : String(message).trimEnd()
        }))
      }
      case "onException":
        return undefined
      case "block":
        return this.run(s.body)
      case "sql":
        return this.sql(s)
    }
  }

  private slotOrFail(name: string, at: Range): Slot {
    const slot = this.slot(name)
    if (slot === undefined) return raise(engineError(-201, { parameter: name, offset: this.tokens[at.from]!.offset }))
    return slot
  }

  /** The first row a statement (a routine call) returns. */
  firstRow(parts: ReadonlyArray<Range>): Array<Value> {
    const { params, sql } = this.render(parts, true)
    return this.query(sql, params, false)[0] ?? []
  }

  /** `(SELECT a, b ...)` or `f(...)` for LET with several targets: the one row's values. */
  private multiValue(range: Range): Array<Value> | undefined {
    const tk = this.tokens
    const first = tk[range.from]!
    if (first.text === "(" && tk[range.from + 1]?.upper === "SELECT" && tk[range.to - 1]?.text === ")") {
      const { params, sql } = this.render([{ from: range.from + 1, to: range.to - 1 }], true)
      const rows = this.query(sql, params, false)
      // IBM -284: a subquery in LET returned more than one row.
      if (rows.length > 1) return raise(engineError(-284))
      return rows[0]
    }
    if (first.kind === "ident" && tk[range.from + 1]?.text === "(" && tk[range.to - 1]?.text === ")") {
      const args = argumentRanges(tk, range.from + 1, range.to - 1)
      return this.callRoutine("FUNCTION", first.text, args, true)[0]
    }
    return raise(engineError(-201, { offset: first.offset }))
  }

  /**
   * Calls a routine with the argument ranges given; an argument that is just an SPL variable receives the final
   * value of an OUT / INOUT parameter in its position (IBM -9752: such arguments must be variables).
   */
  private callRoutine(
    keyword: "FUNCTION" | "PROCEDURE",
    name: string,
    argRanges: ReadonlyArray<Range>,
    wantRows: boolean
  ): Array<Array<Value>> {
    const args = argRanges.map((a) => this.render([a], false))
    const text = `EXECUTE ${keyword} ${name}(${args.map((a) => a.sql).join(", ")})`
    const interpreter = this.interpreter
    const outer = interpreter.outCall
    interpreter.outCall = true
    interpreter.lastOut = []
    let rows: Array<Array<Value>>
    try {
      rows = this.runCall(text, args.flatMap((a) => a.params), wantRows)
    } finally {
      interpreter.outCall = outer
    }
    const out = interpreter.lastOut
    argRanges.forEach((r, k) => {
      const value = out[k]
      const t = this.tokens[r.from]!
      if (value !== undefined && r.to - r.from === 1 && t.kind === "ident" && this.slot(t.text) !== undefined) {
        this.assign(t.text, value, t.offset)
      }
    })
    return rows
  }

  private runCall(sql: string, params: ReadonlyArray<Value>, wantRows: boolean): Array<Array<Value>> {
    if (wantRows) return this.query(sql, params, false)
    const prepared = this.host.prepare(sql)
    if (isError(prepared)) return raise(prepared)
    const result = this.host.execute(prepared, params)
    if (isError(result)) return raise(result)
    return []
  }

  private sql(s: Extract<Stmt, { k: "sql" }>): Signal {
    const { params, sql } = this.render(s.parts, true)
    const prepared = this.host.prepare(sql)
    if (isError(prepared)) return raise(prepared)
    if (s.into.length > 0) {
      const cursor = this.host.openCursor(prepared, params)
      if (isError(cursor)) return raise(cursor)
      const rows = cursor.next(2)
      cursor.close()
      if (isError(rows)) return raise(rows)
      // IBM -284 "A subquery has returned not exactly one row." (SELECT INTO with several rows).
      if (rows.length > 1 && prepared.statementType === 2) return raise(engineError(-284))
      // No row: the variables keep their values (SQLCODE 100).
      if (rows.length > 0) s.into.forEach((name, n) => this.assign(name, rows[0]![n] ?? null, 0))
      return undefined
    }
    const result = this.host.execute(prepared, params)
    if (isError(result)) return raise(result)
    return undefined
  }
}

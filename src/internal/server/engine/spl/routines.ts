/**
 * SPL routines in an engine session: CREATE [DBA] PROCEDURE/FUNCTION, DROP PROCEDURE/FUNCTION/ROUTINE,
 * EXECUTE PROCEDURE/FUNCTION and CALL (what JDBC sends for `{call p(?)}` / `{? = call f(?)}`, SQLI.md §7.1), and
 * routines that return values as SQLite functions of the session, so `SELECT f(x) FROM t` works.
 *
 * A call evaluates its arguments with one engine SELECT (so `?` parameters bind like anywhere else), runs the
 * routine to its end (interpreter.ts) and hands back its rows: a function that RETURNs ... WITH RESUME is read by
 * clients as a cursor of all its rows (sqlstype 56 with columns, SQLI.md §8.4).
 */
import type { DatabaseSync } from "node:sqlite"
import {
  type ColumnDescription,
  type EngineCursor,
  type EngineError,
  type ExecResult,
  type FastPathRoutine,
  type Prepared,
  ROUTINE_HANDLE_BASE,
  type Value
} from "../api.ts"
import type { TableInfo } from "../catalog.ts"
import { grantExecuteDefault } from "../databasePrivileges.ts"
import { engineError, udfFailure } from "../engineErrors.ts"
import { ScrollCursor } from "../sqliteCursors.ts"
import { matchParen, quoteIdent, type Token, tokenize } from "../tokenizer.ts"
import { type IfxType, parseType, typeName, Types } from "../types.ts"
import { fromStorage, isConversionError, type Stored, toStorage } from "../values.ts"
import {
  deleteRoutine,
  insertRoutine,
  procedureName,
  readRoutines,
  routineBySpecificName,
  routinesReturningValues
} from "./catalog.ts"
import { argumentRanges, Interpreter } from "./interpreter.ts"
import { type Overload, resolveOverload, signatureOf, typeOfValue } from "./overloads.ts"
import { isSplSyntaxError, parseRoutine, type RoutineDefinition } from "./parse.ts"
import { planSetTriggers } from "./triggerModes.ts"
import { planCreateTrigger, planDropTrigger, type TriggerPlan } from "./triggerParse.ts"
import { Triggers } from "./triggers.ts"

/** What the routines need from their engine session (engineSession.ts). */
export interface RoutineSession {
  readonly db: DatabaseSync
  readonly user: string
  readonly database: string
  prepare(sql: string): Prepared | EngineError
  execute(prepared: Prepared, params: ReadonlyArray<Value>): ExecResult | EngineError
  openCursor(prepared: Prepared, params: ReadonlyArray<Value>): EngineCursor | EngineError
  table(name: string): TableInfo | undefined
  /** Runs catalog writes as one statement of the session's transaction; SQLite failures become EngineErrors. */
  write(body: () => void): EngineError | undefined
  /** After a statement-level savepoint is released: outside a transaction, drop the table locks it recorded. */
  settle(): void
  today(): number
  readonly ansi: boolean
  /** EXECUTE privilege on a routine for the session's user (databasePrivileges.ts); undefined when held. */
  executeDenied(
    routine: { readonly procid: number; readonly owner: string; readonly name: string }
  ): EngineError | undefined
}

type RoutinePlan =
  | { readonly kind: "create"; readonly routine: RoutineDefinition }
  | {
    readonly kind: "drop"
    readonly name: string
    readonly what: string
    readonly offset: number
    readonly ifExists: boolean
    /** `DROP ... name (types)`: the signature's types (`integer,char(10)`), selecting one overload. */
    readonly signature: string | undefined
    /** `DROP SPECIFIC ... name`: `name` is a SPECIFIC name. */
    readonly specific: boolean
  }
  | {
    readonly kind: "call"
    readonly routine: RoutineDefinition
    readonly procid: number
    readonly args: ReadonlyArray<string>
    /** Resolved among overloads by the bound values' types when it runs. */
    readonly deferred: boolean
    /** For each argument that is just `?`: which statement parameter it is. */
    readonly argParams: ReadonlyArray<number | undefined>
  }
  | TriggerPlan

/** A prepared SPL/trigger statement (the session hands it back to `Routines`). */
export class RoutinePrepared implements Prepared {
  readonly paramTypes: ReadonlyArray<ColumnDescription>
  readonly insertsSerial = undefined
  readonly owner: Routines
  readonly plan: RoutinePlan
  readonly statementType: number
  readonly sql: string
  readonly columns: ReadonlyArray<ColumnDescription>
  readonly paramCount: number
  constructor(
    owner: Routines,
    plan: RoutinePlan,
    statementType: number,
    sql: string,
    columns: ReadonlyArray<ColumnDescription>,
    paramCount: number,
    paramTypes: ReadonlyArray<ColumnDescription>
  ) {
    this.owner = owner
    this.plan = plan
    this.statementType = statementType
    this.sql = sql
    this.columns = columns
    this.paramCount = paramCount
    this.paramTypes = paramTypes
  }
}

const describe = (name: string, type: IfxType): ColumnDescription => ({
  name,
  columnType: type.code,
  extendedId: type.xid,
  extendedName: type.xname,
  encodedLength: type.length
})

const isWord = (t: Token | undefined, w: string) => t !== undefined && t.kind === "ident" && t.upper === w
const isPunct = (t: Token | undefined, p: string) => t !== undefined && t.kind === "punct" && t.text === p
const isError = (u: unknown): u is EngineError =>
  typeof u === "object" && u !== null && (u as { _tag?: unknown })._tag === "EngineError"

export class Routines {
  readonly interpreter: Interpreter
  readonly triggers: Triggers
  private readonly cache = new Map<string, ReadonlyArray<Overload>>()
  private readonly registered = new Set<string>()

  readonly session: RoutineSession
  constructor(session: RoutineSession) {
    this.session = session
    const globals = new Map<string, Value>()
    this.interpreter = new Interpreter({
      prepare: (sql) => session.prepare(sql),
      execute: (p, params) => session.execute(p, params),
      openCursor: (p, params) => session.openCursor(p, params),
      columnType: (table, column) =>
        session.table(table)?.columns.find((c) => c.name.toLowerCase() === column.toLowerCase())?.type,
      globals,
      hasOutParams: (name) => this.overloads(name).some((o) => o.def.params.some((p) => p.mode !== "in"))
    })
    this.triggers = new Triggers(session, this.interpreter)
  }

  /** The catalog changed (another session may have created or dropped routines or triggers). */
  invalidate() {
    this.cache.clear()
    this.triggers.invalidate()
    this.registerFunctions()
  }

  /** The overloads of a routine name (oldest first); parsed once per catalog version. */
  overloads(name: string): ReadonlyArray<Overload> {
    const lower = name.toLowerCase()
    const cached = this.cache.get(lower)
    if (cached !== undefined) return cached
    const out: Array<Overload> = []
    for (const row of readRoutines(this.session.db, name)) {
      const tokens = tokenizeOrUndefined(row.text)
      const start = tokens === undefined ? -1 : tokens.findIndex((t) => isWord(t, "PROCEDURE") || isWord(t, "FUNCTION"))
      const parsed = tokens === undefined || start < 0 ? undefined : parseRoutine(row.text, tokens, start, false)
      if (parsed !== undefined && !isSplSyntaxError(parsed)) {
        out.push({ procid: row.procid, owner: row.owner, def: parsed })
      }
    }
    this.cache.set(lower, out)
    return out
  }

  /** The first routine of that name (types of functions in expressions; the overloads share their name). */
  routine(name: string): RoutineDefinition | undefined {
    return this.overloads(name)[0]?.def
  }

  /** Routines returning values become SQLite functions of this session's connection. */
  private registerFunctions() {
    for (const name of routinesReturningValues(this.session.db)) {
      const lower = name.toLowerCase()
      if (this.registered.has(lower)) continue
      this.registered.add(lower)
      try {
        this.registerFunction(lower)
      } catch {
        // SQLite refuses to replace a function while statements using it run (a routine named like a built-in):
        // the routine then stays callable with EXECUTE FUNCTION only.
      }
    }
  }

  private registerFunction(lower: string) {
    this.session.db.function(lower, { varargs: true, deterministic: false, useBigIntArguments: true }, (...args) => {
      // IBM -674 "Routine (%s) can not be resolved." (dropped since it was registered); -9700 ambiguous.
      const chosen = resolveOverload(lower, this.overloads(lower), args.length, args.map(typeOfValue))
      if (isError(chosen)) throw udfFailure(chosen.sqlcode, lower)
      const routine = chosen.def
      const denied = this.interpreter.active ? undefined : this.session.executeDenied({ ...chosen, name: routine.name })
      if (denied !== undefined) throw udfFailure(denied.sqlcode, lower)
      const values = args.map((a, i) => {
        const p = routine.params[i]
        const type = p === undefined ? undefined : this.interpreter.resolveTypeOrUndefined(p)
        return type === undefined ? (a as Value) : fromStorage(a as Stored, type)
      })
      const rows = this.interpreter.call(routine, values)
      if (isError(rows)) throw udfFailure(rows.sqlcode, rows.parameter)
      const value = rows[0]?.[0] ?? null
      const type = routine.returning[0]?.type
      if (type === undefined || value === null) return null
      const stored = toStorage(value, type)
      if (isConversionError(stored)) throw udfFailure(stored.sqlcode)
      return stored
    })
  }

  // -----------------------------------------------------------------------------------------------------------
  // prepare
  // -----------------------------------------------------------------------------------------------------------

  /** A routine or trigger statement, prepared; undefined when `tokens` are some other statement. */
  prepare(sql: string, tokens: ReadonlyArray<Token>): RoutinePrepared | EngineError | undefined {
    const w0 = tokens[0]
    if (isWord(w0, "CREATE")) {
      let i = 1
      const dba = isWord(tokens[1], "DBA")
      if (dba) i++
      if (isWord(tokens[i], "PROCEDURE") || isWord(tokens[i], "FUNCTION")) {
        const parsed = parseRoutine(sql, tokens, i, dba)
        if (isSplSyntaxError(parsed)) return engineError(parsed.sqlcode, { offset: parsed.offset })
        return new RoutinePrepared(this, { kind: "create", routine: parsed }, 53, sql, [], 0, [])
      }
      if (isWord(tokens[i], "TRIGGER") && !dba) {
        const plan = planCreateTrigger(sql, tokens, i + 1, this.session)
        if (isError(plan)) return plan
        return new RoutinePrepared(this, plan, 70, sql, [], 0, [])
      }
      return undefined
    }
    if (isWord(w0, "SET") && isWord(tokens[1], "TRIGGERS")) {
      const plan = planSetTriggers(tokens)
      if (isError(plan)) return plan
      // SET Database Object Mode shares the statement type of SET CONSTRAINTS (SQLI.md statement types).
      return new RoutinePrepared(this, plan, 55, sql, [], 0, [])
    }
    if (isWord(w0, "DROP")) {
      const what = tokens[1]
      if (isWord(what, "TRIGGER")) {
        const plan = planDropTrigger(tokens)
        if (isError(plan)) return plan
        return new RoutinePrepared(this, plan, 71, sql, [], 0, [])
      }
      const specific = isWord(what, "SPECIFIC")
      const kind = specific ? tokens[2] : what
      if (!(isWord(kind, "PROCEDURE") || isWord(kind, "FUNCTION") || isWord(kind, "ROUTINE"))) return undefined
      let i = specific ? 3 : 2
      const ifExists = isWord(tokens[i], "IF") && isWord(tokens[i + 1], "EXISTS")
      if (ifExists) i += 2
      const name = tokens[i]
      if (name?.kind !== "ident") return engineError(-201, { offset: name?.offset ?? 0 })
      // An optional parameter-type list selects one overload.
      let next = i + 1
      let signature: string | undefined
      if (!specific && isPunct(tokens[next], "(")) {
        const close = matchParen(tokens, next)
        if (close < 0) return engineError(-201, { offset: tokens[next]!.offset })
        const types = signatureTypes(tokens, next, close)
        if (typeof types === "number") return engineError(-201, { offset: tokens[types]?.offset ?? 0 })
        signature = types
        next = close + 1
      }
      if (tokens[next] !== undefined && tokens[next]!.kind !== "end" && !isPunct(tokens[next], ";")) {
        return engineError(-201, { offset: tokens[next]!.offset })
      }
      return new RoutinePrepared(
        this,
        { kind: "drop", name: name.text, what: kind!.upper, offset: name.offset, ifExists, signature, specific },
        54,
        sql,
        [],
        0,
        []
      )
    }
    const call = isWord(w0, "CALL")
      ? 1
      : isWord(w0, "EXECUTE") && (isWord(tokens[1], "PROCEDURE") || isWord(tokens[1], "FUNCTION"))
      ? 2
      : 0
    if (call === 0) return undefined
    let i = call
    if (isWord(tokens[i], "INFORMIX") && isPunct(tokens[i + 1], ".")) i += 2
    const nameToken = tokens[i]
    if (nameToken?.kind !== "ident") return engineError(-201, { offset: nameToken?.offset ?? 0 })
    let ranges: Array<[number, number]> = []
    let after = i + 1
    if (isPunct(tokens[i + 1], "(")) {
      const close = matchParen(tokens, i + 1)
      if (close < 0) return engineError(-201, { offset: tokens[i + 1]!.offset })
      ranges = argumentRanges(tokens, i + 1, close).map((r): [number, number] => [r.from, r.to])
      after = close + 1
    }
    while (isPunct(tokens[after], ";")) after++
    if (tokens[after] !== undefined && tokens[after]!.kind !== "end") {
      return engineError(-201, { offset: tokens[after]!.offset })
    }
    let chosen = this.resolve(nameToken.text, sql, tokens, ranges)
    // Overloads that only the types of bound values tell apart: resolved again with them at each run (IBM
    // resolves routines again at EXECUTE, -9750 when the result types differ); described by the first one.
    const deferred = isError(chosen) && chosen.sqlcode === -9700 &&
      ranges.some(([a, b]) => b - a === 1 && tokens[a]!.kind === "param")
    if (deferred) chosen = this.overloads(nameToken.text).find((o) => o.def.params.length >= ranges.length)!
    // IBM -674 "Routine (%s) can not be resolved.", -9700 ambiguous.
    if (isError(chosen)) return { ...chosen, offset: nameToken.offset }
    const routine = chosen.def
    // IBM -9752: an OUT / INOUT argument must be an SPL variable (or a statement-local variable); a client's
    // EXECUTE FUNCTION cannot receive it. SPL callers pass their variables (interpreter.ts, `outCall`).
    if (!this.interpreter.outCall && routine.params.some((p) => p.mode !== "in")) {
      // The parameter is what IBM JDBC reads from it (`IfxCallableStatement`: "database:handle:unique" after the
      // message) to call the routine through the fast path instead (routineFastPath.ts in the server).
      return engineError(-9752, {
        parameter: `${this.session.database}:${ROUTINE_HANDLE_BASE + chosen.procid}:1`,
        offset: nameToken.offset
      })
    }
    const args = ranges.map(([a, b]) => sql.slice(tokens[a]!.offset, tokens[b - 1]!.end))
    const paramCount = tokens.filter((t) => t.kind === "param").length
    const paramTypes: Array<ColumnDescription> = []
    ranges.forEach(([a, b], n) => {
      if (b - a === 1 && tokens[a]!.kind === "param") {
        const p = routine.params[n]!
        const type = this.interpreter.resolveTypeOrUndefined(p)
        if (type !== undefined) paramTypes.push(describe("", type))
      }
    })
    const columns = routine.returning.map((r) => describe(r.name ?? "(expression)", r.type))
    return new RoutinePrepared(
      this,
      { kind: "call", routine, procid: chosen.procid, args, deferred, argParams: paramOrdinals(tokens, ranges) },
      56,
      sql,
      columns,
      paramCount,
      paramTypes.length === paramCount ? paramTypes : []
    )
  }

  // -----------------------------------------------------------------------------------------------------------
  // execute
  // -----------------------------------------------------------------------------------------------------------

  execute(prepared: RoutinePrepared, params: ReadonlyArray<Value>): ExecResult | EngineError {
    const ok: ExecResult = { rowsAffected: 0, serial: 0 }
    const plan = prepared.plan
    switch (plan.kind) {
      case "create": {
        const r = plan.routine
        // IBM -673 "Another routine (%s) with same signature already exists in database."
        if (this.overloads(r.name).some((o) => signatureOf(o.def) === signatureOf(r))) {
          return engineError(-673, { parameter: r.name })
        }
        // IBM -9716 "This routine (%s) has the same specific name as another routine."
        if (r.specific !== undefined && routineBySpecificName(this.session.db, r.specific) !== undefined) {
          return engineError(-9716, { parameter: r.specific })
        }
        const failed = this.session.write(() => {
          const procid = insertRoutine(this.session.db, {
            name: r.name,
            specific: r.specific,
            owner: this.session.user,
            dba: r.dba,
            isProcedure: !r.isFunction,
            numargs: r.params.length,
            returns: r.returning.length,
            paramTypes: signatureOf(r),
            columns: [
              ...r.returning.map((x) => ({ name: x.name, type: x.type, mode: "return" as const })),
              ...r.params.map((p) => ({ name: p.name, type: p.type, mode: p.mode }))
            ],
            text: prepared.sql,
            today: this.session.today(),
            dbname: this.session.database
          })
          grantExecuteDefault(this.session.db, procid, this.session.user, r.dba, this.session.ansi)
          // A schema object per routine: other sessions see SQLite's schema version change and reload.
          this.session.db.exec(`CREATE VIEW ${quoteIdent(`_ifx_routine_${procid}`)} AS SELECT ${procid} AS procid`)
        })
        this.invalidate()
        return failed ?? ok
      }
      case "drop": {
        const found = this.dropTarget(plan)
        if (found === undefined) {
          return plan.ifExists
            ? ok
            : engineError(-674, { parameter: plan.name, offset: plan.offset })
        }
        if (isError(found)) return { ...found, offset: plan.offset }
        const failed = this.session.write(() => {
          deleteRoutine(this.session.db, found)
          this.session.db.exec(`DROP VIEW IF EXISTS ${quoteIdent(`_ifx_routine_${found}`)}`)
        })
        this.invalidate()
        return failed ?? ok
      }
      case "call": {
        const rows = this.call(plan, params)
        return isError(rows) ? rows : ok
      }
      default:
        return this.triggers.execute(plan)
    }
  }

  openCursor(prepared: RoutinePrepared, params: ReadonlyArray<Value>): EngineCursor | EngineError {
    const plan = prepared.plan
    // IBM -400-range "not a cursor statement" is not pinned; like SELECT-less statements elsewhere: -201.
    if (plan.kind !== "call" || prepared.columns.length === 0) {
      return engineError(-201, { parameter: "not a SELECT or EXECUTE FUNCTION statement" })
    }
    const rows = this.call(plan, params)
    if (isError(rows)) return rows
    return new ScrollCursor(prepared.columns, rows)
  }

  /** A routine by procid (or by name and argument count) as the fast path describes it. */
  fastPathRoutine(routine: number | { readonly name: string; readonly numargs: number }): FastPathRoutine | undefined {
    const found = typeof routine === "number"
      ? this.byProcid(routine)
      : this.overloads(routine.name).find((o) => o.def.params.length === routine.numargs)
    if (found === undefined) return undefined
    const modes = { in: 0, out: 1, inout: 2 } as const
    return {
      procid: found.procid,
      params: found.def.params.map((p) => {
        const type = this.interpreter.resolveTypeOrUndefined(p) ?? Types.varchar(255)
        return { column: describe(p.name, type), mode: modes[p.mode] }
      }),
      returning: found.def.returning.map((r) => describe(r.name ?? "(expression)", r.type))
    }
  }

  /** Runs a routine the fast path calls: every parameter has an argument (OUT ones NULL). */
  callFastPath(
    procid: number,
    args: ReadonlyArray<Value>
  ): { readonly outs: ReadonlyArray<Value>; readonly returns: ReadonlyArray<Value> } | EngineError {
    const found = this.byProcid(procid)
    if (found === undefined) return engineError(-674, { parameter: String(procid) })
    const denied = this.session.executeDenied({ ...found, name: found.def.name })
    if (denied !== undefined) return denied
    const rows = this.interpreter.call(found.def, args)
    if (isError(rows)) return rows
    const out = this.interpreter.lastOut
    return {
      outs: found.def.params.flatMap((p, k) => (p.mode === "in" ? [] : [out[k] ?? null])),
      returns: rows[0] ?? found.def.returning.map(() => null)
    }
  }

  private byProcid(procid: number): Overload | undefined {
    const name = procedureName(this.session.db, procid)
    return name === undefined ? undefined : this.overloads(name).find((o) => o.procid === procid)
  }

  /**
   * The procid DROP PROCEDURE / FUNCTION / ROUTINE removes: the SPECIFIC name's routine, the overload with the
   * signature given, or the only routine of the name (several without a signature: -9700); undefined when none.
   */
  private dropTarget(plan: Extract<RoutinePlan, { kind: "drop" }>): number | EngineError | undefined {
    if (plan.specific) return routineBySpecificName(this.session.db, plan.name)?.procid
    const overloads = this.overloads(plan.name)
    if (plan.signature !== undefined) return overloads.find((o) => signatureOf(o.def) === plan.signature)?.procid
    if (overloads.length > 1) return engineError(-9700, { parameter: plan.name })
    return overloads[0]?.procid
  }

  /**
   * The overload a call resolves to: by argument count, then (several fit) by the types the engine describes for
   * the argument expressions.
   */
  private resolve(
    name: string,
    sql: string,
    tokens: ReadonlyArray<Token>,
    ranges: ReadonlyArray<[number, number]>
  ): Overload | EngineError {
    const overloads = this.overloads(name)
    let types: Array<IfxType | undefined> | undefined
    if (overloads.filter((o) => o.def.params.length >= ranges.length).length > 1 && ranges.length > 0) {
      const prepared = this.session.prepare(
        `SELECT ${ranges.map(([a, b]) => sql.slice(tokens[a]!.offset, tokens[b - 1]!.end)).join(", ")}`
      )
      types = isError(prepared)
        ? undefined
        : ranges.map(([a, b], k) => {
          const c = prepared.columns[k]
          if (c === undefined || (b - a === 1 && tokens[a]!.kind === "param")) return undefined
          return { code: c.columnType & 0xff, length: c.encodedLength, xid: c.extendedId, xname: c.extendedName }
        })
    }
    return resolveOverload(name, overloads, ranges.length, types)
  }

  /** Runs the routine as it is now (it may have been dropped or re-created since the call was prepared). */
  private call(
    plan: Extract<RoutinePlan, { kind: "call" }>,
    params: ReadonlyArray<Value>
  ): Array<Array<Value>> | EngineError {
    const name = plan.routine.name
    const args = plan.args
    let overload = this.overloads(name).find((o) => o.procid === plan.procid)
    // Resolved again: left open by bound parameters, or the routine was dropped and created again since PREPARE.
    if (plan.deferred || overload === undefined) {
      // Bound values keep their own type (a `SELECT ?` would describe them as text); expressions their value's.
      const raw = this.argumentValues(args.map((a) => `(${a})`), params)
      if (isError(raw)) return raw
      const types = raw.map((v, k) => typeOfValue(plan.argParams[k] === undefined ? v : params[plan.argParams[k]!]))
      const chosen = resolveOverload(name, this.overloads(name), args.length, types)
      if (isError(chosen)) return chosen
      // IBM -9750 "Routine (%s) determined during PREPARE and BIND/EXECUTE return different types."
      if (returnTypes(chosen.def) !== returnTypes(plan.routine)) return engineError(-9750, { parameter: name })
      overload = chosen
    }
    const routine = overload?.def
    if (routine === undefined || args.length > routine.params.length) return engineError(-674, { parameter: name })
    // EXECUTE privilege, checked at each run (a prepared call outlives a REVOKE). Routines called by routines and
    // triggered actions run with their owner's privileges: not checked.
    const denied = this.interpreter.active
      ? undefined
      : this.session.executeDenied({ ...overload!, name: routine.name })
    if (denied !== undefined) return denied
    const values = this.argumentValues(
      args.map((a, n) => {
        const type = this.interpreter.resolveTypeOrUndefined(routine.params[n]!)
        return type === undefined ? `(${a})` : `CAST((${a}) AS ${typeName(type)})`
      }),
      params
    )
    return isError(values) ? values : this.interpreter.call(routine, values)
  }

  /** The values of argument expressions (one engine SELECT, so `?` parameters bind like anywhere else). */
  private argumentValues(items: ReadonlyArray<string>, params: ReadonlyArray<Value>): Array<Value> | EngineError {
    if (items.length === 0) return []
    const prepared = this.session.prepare(`SELECT ${items.join(", ")}`)
    if (isError(prepared)) return prepared
    const cursor = this.session.openCursor(prepared, params)
    if (isError(cursor)) return cursor
    const rows = cursor.next(1)
    cursor.close()
    if (isError(rows)) return rows
    return rows[0] ?? []
  }
}

/** The statement parameter each argument is when it is just `?` (parameters are numbered in text order). */
const paramOrdinals = (
  tokens: ReadonlyArray<Token>,
  ranges: ReadonlyArray<[number, number]>
): Array<number | undefined> =>
  ranges.map(([a, b]) =>
    b - a === 1 && tokens[a]!.kind === "param" ? tokens.slice(0, a).filter((t) => t.kind === "param").length : undefined
  )

const returnTypes = (def: RoutineDefinition) => def.returning.map((r) => typeName(r.type)).join(",")

/** `(type, type, ...)` of DROP ... name (types) as a signature (`integer,char(10)`); a bad token: its index. */
const signatureTypes = (tokens: ReadonlyArray<Token>, open: number, close: number): string | number => {
  const names: Array<string> = []
  let i = open + 1
  if (i === close) return ""
  for (;;) {
    const parsed = parseType(tokens, i)
    if (!("type" in parsed)) return i
    names.push(typeName(parsed.type).toLowerCase())
    i = parsed.next
    if (i === close) return names.join(",")
    if (!isPunct(tokens[i], ",")) return i
    i++
  }
}

const tokenizeOrUndefined = (text: string): ReadonlyArray<Token> | undefined => {
  const tokens = tokenize(text)
  return Array.isArray(tokens) ? tokens : undefined
}

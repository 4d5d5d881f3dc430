/**
 * Calls of the routines the engine answers itself rather than through SPL (the CDC API's `cdc_*` in syscdcv1,
 * sysadmin's `task`): `EXECUTE FUNCTION [informix.]name(arg, ...)` parsed into its arguments, and the prepared call
 * that binds the `?`s and returns one row of one column.
 *
 * @internal
 */
import type { ColumnDescription, EngineError, ExecResult, Prepared, Value } from "./api.ts"
import { isEngineError } from "./api.ts"
import { engineError } from "./engineErrors.ts"
import { describe } from "./prepared.ts"
import { ScrollCursor } from "./sqliteCursors.ts"
import type { Token } from "./tokenizer.ts"
import type { IfxType } from "./types.ts"

/** An argument: the n-th `?` of the statement, or a literal. */
export type Argument = { readonly param: number } | { readonly literal: Value }

/** A parsed call: the routine's name (lower case), its arguments, the number of `?`s. */
export interface BuiltinCall {
  readonly name: string
  readonly args: ReadonlyArray<Argument>
  readonly paramCount: number
}

/**
 * Parses `EXECUTE FUNCTION [informix.]name(...)` for a name `accepts`; undefined when `tokens` are not such a call.
 * Arguments are `?`, strings and — unless `stringsOnly` — (negative) numbers and NULL; anything else is −201.
 */
export const parseBuiltinCall = (
  sql: string,
  tokens: ReadonlyArray<Token>,
  accepts: (name: string) => boolean,
  stringsOnly = false
): BuiltinCall | EngineError | undefined => {
  if (!(tokens[0]?.upper === "EXECUTE" && tokens[1]?.upper === "FUNCTION")) return undefined
  let i = 2
  if (tokens[i]?.upper === "INFORMIX" && tokens[i + 1]?.text === ".") i += 2
  const name = tokens[i]?.text.toLowerCase() ?? ""
  if (!accepts(name) || tokens[i + 1]?.text !== "(") return undefined
  const args: Array<Argument> = []
  let paramCount = 0
  i += 2
  while (tokens[i] !== undefined && tokens[i]!.text !== ")") {
    const negative = !stringsOnly && tokens[i]!.text === "-"
    if (negative) i++
    const t = tokens[i]
    if (t?.kind === "param") args.push({ param: paramCount++ })
    else if (t?.kind === "string") args.push({ literal: t.text })
    else if (!stringsOnly && t?.kind === "number") args.push({ literal: negative ? -Number(t.text) : Number(t.text) })
    else if (!stringsOnly && t?.upper === "NULL") args.push({ literal: null })
    else return engineError(-201, { offset: t?.offset ?? sql.length })
    i++
    if (tokens[i]?.text === ",") i++
  }
  if (tokens[i]?.text !== ")" || (tokens[i + 1] !== undefined && tokens[i + 1]!.kind !== "end")) {
    return engineError(-201, { offset: tokens[i]?.offset ?? sql.length })
  }
  return { name, args, paramCount }
}

/** A prepared built-in call: `run` gets the arguments with the `?`s bound and answers the one value of its row. */
export class BuiltinCallPrepared implements Prepared {
  readonly statementType = 56
  readonly insertsSerial = undefined
  readonly columns: ReadonlyArray<ColumnDescription>
  readonly paramTypes: ReadonlyArray<ColumnDescription>
  readonly paramCount: number
  readonly owner: object
  readonly sql: string
  private readonly args: ReadonlyArray<Argument>
  private readonly answer: (values: ReadonlyArray<Value>) => Value | EngineError

  /** `paramType(i)`: the type described for the `?` that is argument i (JDBC asks with SQ_IDESCRIBE). */
  constructor(
    owner: object,
    sql: string,
    call: BuiltinCall,
    result: IfxType,
    paramType: (i: number) => IfxType,
    answer: (values: ReadonlyArray<Value>) => Value | EngineError
  ) {
    this.owner = owner
    this.sql = sql
    this.args = call.args
    this.paramCount = call.paramCount
    this.columns = [describe("(expression)", result, false)]
    this.paramTypes = call.args.flatMap((a, i) => ("param" in a ? [describe("", paramType(i), false)] : []))
    this.answer = answer
  }

  /** Runs the call: the value of its one row. */
  run(params: ReadonlyArray<Value>): Value | EngineError {
    // IBM -254 "Too many or too few host variables given."
    if (params.length !== this.paramCount) return engineError(-254)
    return this.answer(this.args.map((a) => ("param" in a ? params[a.param] ?? null : a.literal)))
  }

  execute(params: ReadonlyArray<Value>): ExecResult | EngineError {
    const r = this.run(params)
    return isEngineError(r) ? r : { rowsAffected: 1, serial: 0 }
  }

  openCursor(params: ReadonlyArray<Value>): ScrollCursor | EngineError {
    const r = this.run(params)
    return isEngineError(r) ? r : new ScrollCursor(this.columns, [[r]])
  }
}

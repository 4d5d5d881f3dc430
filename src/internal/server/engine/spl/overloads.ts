/**
 * Routine overloading (IBM "Routine resolution", "Overloading the name of a routine"): several routines may share
 * a name when their parameter lists differ. A call takes the routines whose parameter count fits its arguments
 * (trailing parameters with DEFAULT may be left out) and, when more than one fits, ranks them by how the arguments'
 * types match the parameters': the same type first, then the same family (SMALLINT / INTEGER / INT8 ...), then a
 * numeric for a numeric; an argument whose type is unknown (`?`, NULL) matches anything equally. Two routines with
 * the best rank: -9700 "Routine (%s) ambiguous - more than one routine resolves to given signature."; none: -674.
 * A routine's signature is its name and parameter types; a second CREATE with the same signature is -673, a
 * second routine with the same SPECIFIC name -9716.
 */
import { TypeCode } from "../../../values/typeCodes.ts"
import type { EngineError } from "../api.ts"
import { engineError } from "../engineErrors.ts"
import { family, type IfxType, typeName, Types } from "../types.ts"
import type { Parameter, RoutineDefinition } from "./parse.ts"

export interface Overload {
  readonly procid: number
  readonly owner: string
  readonly def: RoutineDefinition
}

/** A parameter's type as sysprocedures.paramtypes lists it (`integer`, `char(10)`); LIKE types resolve later. */
export const paramTypeName = (p: Parameter): string => (p.type === undefined ? "" : typeName(p.type).toLowerCase())

/** The types part of a routine's signature, comparable between routines (`integer,char(10)`). */
export const signatureOf = (def: RoutineDefinition): string => def.params.map(paramTypeName).join(",")

const accepts = (def: RoutineDefinition, count: number): boolean =>
  count <= def.params.length && def.params.slice(count).every((p) => p.defaultValue !== undefined)

const numeric = new Set(["int", "bigint", "float", "decimal"])

/** How well an argument of type `arg` fits a parameter (higher is better; unknown types fit all equally). */
const fit = (arg: IfxType | undefined, param: IfxType | undefined): number => {
  if (arg === undefined || param === undefined || arg.code === TypeCode.NULL) return 1
  if ((arg.code & 0xff) === param.code && arg.xid === param.xid) return 4
  const a = family(arg)
  const p = family(param)
  if (a === p || (a === "char" && p === "string") || (a === "string" && p === "char")) return 3
  if (numeric.has(a) && numeric.has(p)) return 2
  return 0
}

/**
 * The overload a call with `count` arguments of `types` (undefined where unknown) resolves to. `name` is for the
 * error message.
 */
export const resolveOverload = (
  name: string,
  overloads: ReadonlyArray<Overload>,
  count: number,
  types: ReadonlyArray<IfxType | undefined> | undefined
): Overload | EngineError => {
  const candidates = overloads.filter((o) => accepts(o.def, count))
  if (candidates.length === 0) return engineError(-674, { parameter: name })
  if (candidates.length === 1) return candidates[0]!
  const scored = candidates.map((o) => ({
    o,
    score: Array.from({ length: count }, (_, k) => fit(types?.[k], o.def.params[k]?.type)).reduce((a, b) => a + b, 0)
      // Fewer parameters left to their DEFAULT is the closer match.
      - (o.def.params.length - count) / 100
  }))
  const best = Math.max(...scored.map((s) => s.score))
  const top = scored.filter((s) => s.score === best)
  if (top.length > 1) return engineError(-9700, { parameter: name })
  return top[0]!.o
}

/** The type of a JS value a SQLite function received (resolving overloads of functions called in SELECT). */
export const typeOfValue = (value: unknown): IfxType | undefined => {
  if (typeof value === "bigint" || (typeof value === "number" && Number.isInteger(value))) return Types.integer
  if (typeof value === "number") return Types.float
  if (typeof value === "string") return Types.varchar(255)
  return undefined
}

/**
 * `sql.insert([...rows])` as a batch. Informix has no multi-row VALUES, so the compiler renders one row's
 * placeholders, all rows' values, and a marker comment naming the row count and width; the SqlConnection adapter
 * recognises the marker, removes it and runs the statement with `Connection.executeMany` (one PREPARE, the rows as
 * `BIND EXECUTE` pairs). The marker is an Informix `{…}` comment, so even a statement that reached the server with it
 * would mean the same.
 *
 * @internal
 */

const markerStart = "{effect-informix batch: "
const markerPattern = /\{effect-informix batch: (\d+) rows of (\d+)\}/

/** The marker the compiler puts in front of the one row's placeholders. */
export const batchMarker = (rows: number, width: number): string => `${markerStart}${rows} rows of ${width}}`

/** A statement compiled from a multi-row `sql.insert`: the SQL without the marker and the parameters per row. */
export interface BatchInsert {
  readonly sql: string
  readonly rows: ReadonlyArray<ReadonlyArray<unknown>>
}

/**
 * The batch a compiled statement stands for, `undefined` for an ordinary statement, or a message when the statement
 * has parameters besides the inserted rows' (they could not be told apart from the rows').
 */
export const parseBatchInsert = (
  sql: string,
  params: ReadonlyArray<unknown>
): BatchInsert | string | undefined => {
  // Every statement is checked: a substring search first, the regular expression only for a candidate.
  if (!sql.includes(markerStart)) return undefined
  const match = markerPattern.exec(sql)
  if (match === null) return undefined
  const count = Number(match[1])
  const width = Number(match[2])
  if (params.length !== count * width) {
    return `A statement with sql.insert of ${count} rows cannot have other parameters (it has ${
      params.length - count * width
    } more); run it as a batch with Connection.executeMany instead`
  }
  const rows: Array<ReadonlyArray<unknown>> = []
  for (let r = 0; r < count; r++) rows.push(params.slice(r * width, (r + 1) * width))
  return { sql: sql.slice(0, match.index) + sql.slice(match.index + match[0].length), rows }
}

/**
 * The placeholder groups of effect's multi-row `placeholders` text (`(?,?),(?,?)`, possibly with casts such as
 * `?::DECIMAL(10,2)` inside), split at the top-level commas.
 */
export const placeholderGroups = (placeholders: string): ReadonlyArray<string> => {
  const groups: Array<string> = []
  let depth = 0
  let start = 0
  for (let i = 0; i < placeholders.length; i++) {
    const c = placeholders[i]
    if (c === "(") depth++
    else if (c === ")") depth--
    else if (c === "," && depth === 0) {
      groups.push(placeholders.slice(start, i))
      start = i + 1
    }
  }
  groups.push(placeholders.slice(start))
  return groups
}

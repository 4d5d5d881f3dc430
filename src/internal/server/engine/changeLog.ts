/**
 * Change capture inside a database: full-row logging of a table (IBM `cdc_set_fullrowlogging`) installs SQLite
 * triggers that append every row the table gains, loses or changes to the database's `_ifx_cdc_log`, with the
 * writing session's transaction id. The log rows are written by the same SQLite statement (and so in the same
 * transaction) as the change itself: rolled-back work leaves no log row, and a reader on another connection sees a
 * transaction's rows all at once, at its commit. Writers of one database are serialized (the database's write lock,
 * transactionsLocks.ts `beginWriting`), so log order is commit order and a transaction's rows are contiguous.
 *
 * Whatever writes the table (DML, MERGE, SPL, Informix triggers, TRUNCATE's row deletes) is captured alike. An ALTER
 * TABLE that rebuilds the table drops its SQLite triggers with it: full-row logging must then be set again.
 */
import type { DatabaseSync, SQLOutputValue, StatementSync } from "node:sqlite"
import type { TableInfo } from "./catalog.ts"
import { quoteIdent, quoteString } from "./tokenizer.ts"
import { isSerial } from "./types.ts"
import type { Stored } from "./values.ts"

/** The log table of a database (hidden from systables like the engine's other `_ifx_` tables). */
const LOG = "_ifx_cdc_log"

/** The CDC record numbers of row images (IBM CDC API: CDC_REC_INSERT, _DELETE, _UPDBEF, _UPDAFT). */
export const RowOp = { insert: 40, delete: 41, before: 42, after: 43 } as const

/** One logged row change. */
export interface LoggedChange {
  /** The log row's id: rises in commit order within the database. */
  readonly id: number
  readonly txid: number
  /** The table name as the catalog spells it. */
  readonly table: string
  readonly op: number
  /** The row, in the table's column order at the time logging was set. */
  readonly image: ReadonlyArray<Stored>
  /** Seconds since 1970 when the change was written. */
  readonly at: number
}

/**
 * The row image of a trigger's NEW/OLD row: SQLite values as JSON (integers as decimal strings tagged `i`, blobs
 * as base64 tagged `b`), so every storage class survives the round trip.
 */
const encodeImage = (values: ReadonlyArray<unknown>): string =>
  JSON.stringify(values.map((v) =>
    typeof v === "bigint"
      ? { i: v.toString() }
      : v instanceof Uint8Array
      ? { b: Buffer.from(v).toString("base64") }
      : v ?? null
  ))

const decodeImage = (text: string): Array<Stored> =>
  (JSON.parse(text) as Array<unknown>).map((v) => {
    if (v === null || typeof v !== "object") return v as Stored
    const tagged = v as { i?: string; b?: string }
    return tagged.i !== undefined ? BigInt(tagged.i) : new Uint8Array(Buffer.from(tagged.b ?? "", "base64"))
  })

/**
 * The SQL functions the capture triggers call, on every connection that may write a captured table: the writing
 * session's transaction id (one per transaction, or per statement in autocommit) and the row image.
 */
export const registerChangeLogFunctions = (db: DatabaseSync, transactionId: () => number) => {
  db.function("_ifx_cdc_tx", { deterministic: false }, transactionId)
  db.function(
    "_ifx_cdc_row",
    { deterministic: false, varargs: true, useBigIntArguments: true },
    (...values) => encodeImage(values)
  )
}

const triggerName = (table: string, op: string) => quoteIdent(`_ifx_cdc_${table.toLowerCase()}_${op}`)

/** Statements of each connection, prepared once (the reader of a CDC session runs them for every record). */
const prepared = new WeakMap<DatabaseSync, Map<string, StatementSync>>()
const statement = (db: DatabaseSync, sql: string): StatementSync => {
  let cache = prepared.get(db)
  if (cache === undefined) prepared.set(db, cache = new Map())
  let stmt = cache.get(sql)
  if (stmt === undefined) cache.set(sql, stmt = db.prepare(sql))
  return stmt
}

const hasLog = (db: DatabaseSync): boolean =>
  statement(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(LOG) !== undefined

/** Full-row logging of `table` is on (its capture triggers exist). */
export const isLogged = (db: DatabaseSync, table: string): boolean =>
  db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?").get(
    `_ifx_cdc_${table.toLowerCase()}_i`
  ) !== undefined

/** Turns full-row logging of `table` on or off (idempotent). Throws SQLite's error (a lock conflict) as is. */
export const setFullRowLogging = (db: DatabaseSync, table: TableInfo, on: boolean): void => {
  const name = quoteIdent(table.name)
  const tag = quoteString(table.name)
  const image = (row: "NEW" | "OLD") =>
    `_ifx_cdc_row(${table.columns.map((c) => `${row}.${quoteIdent(c.name)}`).join(", ")})`
  const log = (op: number, row: "NEW" | "OLD") =>
    `INSERT INTO ${LOG} (txid, tabname, op, image, at) VALUES (_ifx_cdc_tx(), ${tag}, ${op}, ${image(row)}, ` +
    `unixepoch());`
  db.exec("BEGIN IMMEDIATE")
  try {
    if (on) {
      db.exec(
        `CREATE TABLE IF NOT EXISTS ${LOG} (id INTEGER PRIMARY KEY, txid INTEGER NOT NULL, tabname TEXT NOT NULL, ` +
          "op INTEGER NOT NULL, image TEXT NOT NULL, at INTEGER NOT NULL)"
      )
      db.exec(
        `CREATE TRIGGER IF NOT EXISTS ${triggerName(table.name, "i")} AFTER INSERT ON ${name} BEGIN ${
          log(RowOp.insert, "NEW")
        } END`
      )
      db.exec(
        `CREATE TRIGGER IF NOT EXISTS ${triggerName(table.name, "d")} AFTER DELETE ON ${name} BEGIN ${
          log(RowOp.delete, "OLD")
        } END`
      )
      // A SERIAL / SERIAL8 / BIGSERIAL the server assigns is written by the table's serial trigger as an UPDATE of
      // the row just inserted (ddlExecution.ts createSerialTriggers; SQLite cannot change NEW before the insert).
      // That fill is no change of its own: it rewrites the row's Insert record (matched by its image, so it holds
      // whichever AFTER INSERT trigger runs first) instead of logging an Update — one Insert with the assigned values,
      // as a real server logs the row it stored.
      const serials = table.columns.filter((c) => isSerial(c.type)).map((c) => quoteIdent(c.name))
      const fill = serials.map((c) => `(coalesce(OLD.${c}, 0) = 0 AND coalesce(NEW.${c}, 0) <> 0)`).join(" OR ")
      db.exec(
        `CREATE TRIGGER IF NOT EXISTS ${triggerName(table.name, "u")} AFTER UPDATE ON ${name} ${
          fill === "" ? "" : `WHEN NOT (${fill}) `
        }BEGIN ${log(RowOp.before, "OLD")} ${log(RowOp.after, "NEW")} END`
      )
      if (fill !== "") {
        db.exec(
          `CREATE TRIGGER IF NOT EXISTS ${triggerName(table.name, "f")} AFTER UPDATE ON ${name} WHEN ${fill} ` +
            `BEGIN UPDATE ${LOG} SET image = ${image("NEW")} WHERE id = (SELECT max(id) FROM ${LOG} ` +
            `WHERE txid = _ifx_cdc_tx() AND tabname = ${tag} AND op = ${RowOp.insert} AND image = ${image("OLD")}); END`
        )
      }
    } else {
      for (const op of ["i", "d", "u", "f"]) db.exec(`DROP TRIGGER IF EXISTS ${triggerName(table.name, op)}`)
    }
    db.exec("COMMIT")
  } catch (error) {
    db.exec("ROLLBACK")
    throw error
  }
}

/** The last log row id (0 without a log). */
export const lastLogId = (db: DatabaseSync): number => {
  if (!hasLog(db)) return 0
  const row = db.prepare(`SELECT max(id) AS m FROM ${LOG}`).get() as { m: number | null }
  return Number(row.m ?? 0)
}

/** The largest transaction id in the log (0 without one): ids of a restarted instance continue above it. */
export const lastTransactionId = (db: DatabaseSync): number => {
  if (!hasLog(db)) return 0
  const row = db.prepare(`SELECT max(txid) AS m FROM ${LOG}`).get() as { m: number | null }
  return Number(row.m ?? 0)
}

/** The first log row id of the transaction that wrote row `id` (undefined when there is no such row). */
export const transactionStart = (db: DatabaseSync, id: number): number | undefined => {
  if (!hasLog(db)) return undefined
  const row = db.prepare(
    `SELECT min(id) AS m FROM ${LOG} WHERE txid = (SELECT txid FROM ${LOG} WHERE id = ?) AND id <= ?`
  ).get(id, id) as { m: number | null }
  return row.m === null ? undefined : Number(row.m)
}

/** The whole transaction that follows log row `after` (its rows are contiguous), or [] when none has committed. */
export const nextTransaction = (db: DatabaseSync, after: number): Array<LoggedChange> => {
  if (!hasLog(db)) return []
  const out: Array<LoggedChange> = []
  const rows = statement(db, `SELECT id, txid, tabname, op, image, at FROM ${LOG} WHERE id > ? ORDER BY id`).iterate(
    after
  ) as Iterator<Record<string, SQLOutputValue>>
  for (let r = rows.next(); r.done !== true; r = rows.next()) {
    const row = r.value
    if (out.length > 0 && Number(row.txid) !== out[0]!.txid) {
      rows.return?.()
      break
    }
    out.push({
      id: Number(row.id),
      txid: Number(row.txid),
      table: String(row.tabname),
      op: Number(row.op),
      image: decodeImage(String(row.image)),
      at: Number(row.at)
    })
  }
  return out
}

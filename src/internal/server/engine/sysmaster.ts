/**
 * The instance's own database, `sysmaster`: the registry of every database of the instance (persisted with the
 * engine's directory) and the monitoring tables clients read.
 *
 * IBM "The sysmaster database": created by the server, always present, read-only for ordinary users ("standard users
 * cannot run statements other than the SELECT statement"). Tables kept here (IBM "sysdatabases", "sysdbslocale",
 * "syssessions" SMI table pages):
 *   sysdatabases (name, partnum, owner, created, is_logging, is_buff_log, is_ansi, is_nls, is_case_insens, flags)
 *   sysdbslocale (dbs_dbsname, dbs_collate)
 *   syssessions (sid, username, uid, pid, hostname, tty, connected, feprogram, pooladdr, is_wlatch, is_wlock,
 *     is_wbuff, is_wckpt, is_wlogbuf, is_wtrans, is_monitor, is_incrit, state)
 *   sysenv (env_name, env_value): the server's environment; here INFORMIXSERVER only (IBM JDBC's CDC engine reads
 *     it for cdc_opensess, JDBC-PAM-TRIGGERS-CDC.md §3.2)
 * They are ordinary tables of the sysmaster SQLite file, described in its own systables/syscolumns; syssessions is
 * rewritten from the live sessions before a statement reads it.
 */
import type { DatabaseSync } from "node:sqlite"
import { catalogTable as table, createCatalogTables, type TableInfo } from "./catalog.ts"
import { Types } from "./types.ts"

/**
 * Databases every instance has (IBM: sysmaster, sysutils, sysuser and sysadmin are created at initialisation;
 * syscdcv1, the Change Data Capture API's database, is created by the administrator's syscdcv1.sql script: here it
 * is always there, changeCapture.ts).
 */
export const systemDatabases: ReadonlyArray<string> = ["sysmaster", "sysutils", "sysuser", "sysadmin", "syscdcv1"]

/** What the instance knows of one database (one sysdatabases + sysdbslocale row). */
export interface DatabaseRecord {
  readonly name: string
  readonly owner: string
  /** Day number of the creation date. */
  readonly created: number
  readonly logged: boolean
  readonly buffered: boolean
  readonly ansi: boolean
  /** The database locale as given (`en_US.8859-1`, `en_US.utf8`, ...). */
  readonly locale: string
}

/** One live session as syssessions shows it. */
export interface LiveSession {
  readonly sid: number
  readonly username: string
  /** The client's process id (from its login request). */
  readonly pid: number
  readonly hostname: string
  /** Connect time, seconds since 1970. */
  readonly connected: number
  readonly feprogram: string
}

const sysmasterTables: ReadonlyArray<TableInfo> = [
  table("sysdatabases", 100, [
    ["name", Types.char(128)],
    ["partnum", Types.integer],
    ["owner", Types.char(32)],
    ["created", Types.date],
    ["is_logging", Types.integer],
    ["is_buff_log", Types.integer],
    ["is_ansi", Types.integer],
    ["is_nls", Types.integer],
    ["is_case_insens", Types.integer],
    ["flags", Types.smallint]
  ]),
  table("sysdbslocale", 101, [["dbs_dbsname", Types.char(128)], ["dbs_collate", Types.char(32)]]),
  table("syssessions", 102, [
    ["sid", Types.integer],
    ["username", Types.char(32)],
    ["uid", Types.smallint],
    ["pid", Types.integer],
    ["hostname", Types.char(256)],
    ["tty", Types.char(16)],
    ["connected", Types.integer],
    ["feprogram", Types.char(255)],
    ["pooladdr", Types.int8],
    ["is_wlatch", Types.integer],
    ["is_wlock", Types.integer],
    ["is_wbuff", Types.integer],
    ["is_wckpt", Types.integer],
    ["is_wlogbuf", Types.integer],
    ["is_wtrans", Types.integer],
    ["is_monitor", Types.integer],
    ["is_incrit", Types.integer],
    ["state", Types.integer]
  ]),
  table("sysenv", 103, [["env_name", Types.char(128)], ["env_value", Types.char(512)]])
]

/** Creates sysmaster's own tables (after bootstrapCatalog made its systables/syscolumns); idempotent. */
export const bootstrapSysmaster = (db: DatabaseSync, today: number) =>
  createCatalogTables(db, sysmasterTables, "sysmaster", today)

/**
 * sysdatabases.flags: IBM documents the column as "flags" without the bit values; the engine sets 0x1 logged,
 * 0x2 buffered log, 0x4 ANSI (the order of the is_* columns). A guess, marked as one in docs/sql-subset.md.
 */
const flagsOf = (r: DatabaseRecord) => (r.logged ? 1 : 0) | (r.buffered ? 2 : 0) | (r.ansi ? 4 : 0)

/** The default locale (en_US.819 / 8859-1) counts as "not NLS"; any other locale is a GLS database. */
const isNls = (locale: string) => !/^en_US\.(8859-1|819)$/i.test(locale)

export const readDatabaseRecords = (db: DatabaseSync): Array<DatabaseRecord> => {
  const rows = db.prepare(
    "SELECT d.name AS name, d.owner AS owner, d.created AS created, d.is_logging AS logging, " +
      "d.is_buff_log AS buffered, d.is_ansi AS ansi, l.dbs_collate AS locale " +
      "FROM sysdatabases d LEFT JOIN sysdbslocale l ON l.dbs_dbsname = d.name ORDER BY d.partnum"
  ).all() as Array<
    {
      name: string
      owner: string
      created: number
      logging: number
      buffered: number
      ansi: number
      locale: string | null
    }
  >
  return rows.map((r) => ({
    name: r.name,
    owner: r.owner,
    created: Number(r.created),
    logged: Number(r.logging) === 1,
    buffered: Number(r.buffered) === 1,
    ansi: Number(r.ansi) === 1,
    locale: r.locale ?? "en_US.8859-1"
  }))
}

/** Adds (or replaces) a database's rows. */
export const writeDatabaseRecord = (db: DatabaseSync, r: DatabaseRecord) => {
  db.exec("BEGIN IMMEDIATE")
  try {
    const old = db.prepare("SELECT partnum FROM sysdatabases WHERE name = ?").get(r.name) as
      | { partnum: number }
      | undefined
    const next = db.prepare("SELECT coalesce(max(partnum), 1048576) + 1 AS p FROM sysdatabases").get() as { p: number }
    db.prepare("DELETE FROM sysdatabases WHERE name = ?").run(r.name)
    db.prepare("DELETE FROM sysdbslocale WHERE dbs_dbsname = ?").run(r.name)
    db.prepare(
      "INSERT INTO sysdatabases (name, partnum, owner, created, is_logging, is_buff_log, is_ansi, is_nls, " +
        "is_case_insens, flags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?)"
    ).run(
      r.name,
      old?.partnum ?? next.p,
      r.owner,
      r.created,
      r.logged ? 1 : 0,
      r.buffered ? 1 : 0,
      r.ansi ? 1 : 0,
      isNls(r.locale) ? 1 : 0,
      flagsOf(r)
    )
    db.prepare("INSERT INTO sysdbslocale (dbs_dbsname, dbs_collate) VALUES (?, ?)").run(r.name, r.locale)
    db.exec("COMMIT")
  } catch (error) {
    db.exec("ROLLBACK")
    throw error
  }
}

/** The server's environment as sysenv shows it. */
export const writeEnvironment = (db: DatabaseSync, serverName: string) => {
  db.exec("DELETE FROM sysenv")
  db.prepare("INSERT INTO sysenv (env_name, env_value) VALUES ('INFORMIXSERVER', ?)").run(serverName)
}

export const deleteDatabaseRecord = (db: DatabaseSync, name: string) => {
  db.prepare("DELETE FROM sysdatabases WHERE name = ?").run(name)
  db.prepare("DELETE FROM sysdbslocale WHERE dbs_dbsname = ?").run(name)
}

/** Rewrites syssessions from the live sessions (best effort: a reader's lock only leaves the old rows). */
export const writeSessions = (db: DatabaseSync, sessions: ReadonlyArray<LiveSession>) => {
  db.exec("BEGIN IMMEDIATE")
  try {
    db.exec("DELETE FROM syssessions")
    const insert = db.prepare(
      "INSERT INTO syssessions (sid, username, uid, pid, hostname, tty, connected, feprogram, pooladdr, is_wlatch, " +
        "is_wlock, is_wbuff, is_wckpt, is_wlogbuf, is_wtrans, is_monitor, is_incrit, state) " +
        "VALUES (?, ?, 0, ?, ?, '', ?, ?, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)"
    )
    for (const s of sessions) insert.run(s.sid, s.username, s.pid, s.hostname, s.connected, s.feprogram)
    db.exec("COMMIT")
  } catch {
    if (db.isTransaction) db.exec("ROLLBACK")
  }
}

/**
 * Roles and privileges (IBM "GRANT", "REVOKE", "CREATE ROLE", "DROP ROLE", "SET ROLE"; catalog tables sysusers,
 * systabauth, syscolauth, sysroleauth, sysprocauth).
 *
 * Recorded like Informix: sysusers.usertype D (DBA), R (RESOURCE), C (CONNECT), G (role); systabauth.tabauth is
 * nine letters `su*idxarn` (select, update, column-level, insert, delete, index, alter, references, under), '-'
 * where not granted, upper case WITH GRANT OPTION. A new table in a database that is not ANSI grants
 * `su-idx---` to PUBLIC (IBM: the default unless NODEFDAC is set); ANSI databases grant nothing by default.
 *
 * Enforced: the table privileges SELECT / INSERT / UPDATE / DELETE of DML and queries, for users other than the
 * table's owner and the database's DBAs (`informix` always is one). A user's privileges are its own, PUBLIC's, and
 * those of its current role (SET ROLE, or the default role). Column-level grants count as table grants.
 * Errors (IBM): -272 No SELECT permission, -273 No UPDATE permission, -274 No DELETE permission, -275 The Insert
 * privilege is required for this operation. Codes not pinned against a real server: -19801 role exists / unknown
 * role in GRANT, -19805 SET ROLE to a role not granted.
 */
import type { DatabaseSync } from "node:sqlite"
import type { EngineError } from "./api.ts"
import type { TableInfo } from "./catalog.ts"
import { engineError } from "./engineErrors.ts"
import type { Session } from "./engineSession.ts"
import { type ExtensionHost, type ExtensionPlan, ifExistsClause, ok, qualifiedName } from "./extension.ts"
import type { Plan } from "./planner.ts"
import { buildScope } from "./scope.ts"
import type { Token } from "./tokenizer.ts"
import { findClose, isPunct, isWord } from "./tokenScan.ts"
import { type TranslateError, translateError } from "./translate.ts"

const letters = "su*idxarn"
const byKeyword: Record<string, string> = {
  SELECT: "s",
  UPDATE: "u",
  INSERT: "i",
  DELETE: "d",
  INDEX: "x",
  ALTER: "a",
  REFERENCES: "r",
  UNDER: "n"
}

export type Access = "s" | "u" | "i" | "d"

const denial: Record<Access, number> = { s: -272, u: -273, d: -274, i: -275 }

/** Default privileges of a new table or view (non-ANSI databases grant them to PUBLIC). */
export const grantDefaults = (db: DatabaseSync, tabid: number, owner: string, ansi: boolean) => {
  if (ansi) return
  db.prepare("INSERT INTO systabauth (grantor, grantee, tabid, tabauth) VALUES (?, 'public', ?, 'su-idx---')").run(
    owner,
    tabid
  )
}

/** Forgets a dropped table's grants. */
export const dropGrants = (db: DatabaseSync, tabid: number) => {
  db.prepare("DELETE FROM systabauth WHERE tabid = ?").run(tabid)
  db.prepare("DELETE FROM syscolauth WHERE tabid = ?").run(tabid)
}

export const isDba = (db: DatabaseSync, user: string): boolean =>
  user.toLowerCase() === "informix" ||
  db.prepare("SELECT 1 FROM sysusers WHERE lower(username) = lower(?) AND usertype = 'D'").get(user) !== undefined

/** The role in effect: SET ROLE's, else the user's default role. */
export const effectiveRole = (db: DatabaseSync, user: string, role: string | undefined): string | undefined => {
  if (role !== undefined) return role === "" ? undefined : role
  const row = db.prepare("SELECT defrole FROM sysusers WHERE lower(username) = lower(?)").get(user) as
    | { defrole: string | null }
    | undefined
  return row?.defrole?.trim() || undefined
}

/**
 * The first privilege the user lacks among `needs` (table → access), as Informix's error; undefined when all are
 * held. Temp tables and the catalog (tabid < 100, read-only) need none.
 */
export const checkAccess = (
  db: DatabaseSync,
  user: string,
  role: string | undefined,
  needs: ReadonlyArray<{ readonly table: TableInfo; readonly access: Access }>
): EngineError | undefined => {
  const relevant = needs.filter((n) => !n.table.temp && !(n.table.tabid < 100 && n.access === "s"))
  if (relevant.length === 0 || isDba(db, user)) return undefined
  for (const { table, access } of relevant) {
    if (ownerOf(db, table.tabid) === user.toLowerCase()) continue
    if (!holdsTablePrivilege(db, user, role, table.tabid, access)) {
      return engineError(denial[access], { parameter: table.name })
    }
  }
  return undefined
}

/** The owner (lower case) of a systables object (table, view, sequence, synonym). */
export const ownerOf = (db: DatabaseSync, tabid: number): string | undefined =>
  (db.prepare("SELECT owner FROM systables WHERE tabid = ?").get(tabid) as { owner: string } | undefined)?.owner
    .trim().toLowerCase()

/**
 * The user holds the privilege `letter` (a letter of `su*idxarn`) on the object through its own grants, PUBLIC's
 * or its current role's. Column-level SELECT / UPDATE grants count as table grants.
 */
export const holdsTablePrivilege = (
  db: DatabaseSync,
  user: string,
  role: string | undefined,
  tabid: number,
  letter: string
): boolean => {
  const current = effectiveRole(db, user, role)
  const grantees = ["public", user.toLowerCase(), ...(current === undefined ? [] : [current.toLowerCase()])]
  const rows = db.prepare(
    `SELECT tabauth FROM systabauth WHERE tabid = ? AND lower(trim(grantee)) IN (${grantees.map(() => "?").join(", ")})`
  ).all(tabid, ...grantees) as Array<{ tabauth: string }>
  return rows.some((r) => r.tabauth.toLowerCase().includes(letter)) ||
    ((letter === "s" || letter === "u") && rows.some((r) => r.tabauth[2] === "*"))
}

/**
 * Table privileges of a query or DML of `session`: SELECT on every table it reads, and the DML's own privilege on
 * its target.
 */
export const planPrivileges = (session: Session, p: Plan, tokens: ReadonlyArray<Token>): EngineError | undefined => {
  // `informix` is the DBA of every database: nothing to look up. Statements of SPL routines and triggers run with
  // their owner's privileges (IBM: owner-privileged routines, triggered actions), which the schema scripts' owner
  // holds: not checked.
  if (p.kind !== "select" && p.kind !== "dml") return undefined
  if (session.user.toLowerCase() === "informix" || session.routineDepth > 0) return undefined
  const needs: Array<{ table: TableInfo; access: Access }> = []
  const target = p.kind === "dml" ? p.table : undefined
  if (p.kind === "dml" && target !== undefined) {
    needs.push({ table: target, access: p.verb === "insert" ? "i" : p.verb === "update" ? "u" : "d" })
  }
  const read = p.kind === "select" ? p.tables : buildScope(tokens, session.translateContext).tables.map((t) => t.table)
  for (const table of read) if (table !== target) needs.push({ table, access: "s" })
  return checkAccess(session.db, session.user, session.host.role, needs)
}

/** tabauth with `add` granted (upper case WITH GRANT OPTION) or `remove` revoked. */
const merge = (current: string, add: ReadonlySet<string>, remove: ReadonlySet<string>, grantable: boolean) =>
  Array.from(letters).map((letter, i) => {
    const now = current[i] ?? "-"
    if (remove.has(letter)) return "-"
    if (add.has(letter)) return grantable ? letter.toUpperCase() : now === letter.toUpperCase() ? now : letter
    return now
  }).join("")

const names = (tokens: ReadonlyArray<Token>, i: number, end: number): { list: Array<string>; next: number } => {
  const list: Array<string> = []
  while (i < end) {
    const t = tokens[i]!
    if (t.kind === "ident" || t.kind === "string") list.push(t.text.toLowerCase())
    else break
    i++
    if (!isPunct(tokens[i], ",")) break
    i++
  }
  return { list, next: i }
}

const tabidOf = (db: DatabaseSync, name: string): { tabid: number; name: string } | undefined => {
  const row = db.prepare(
    "SELECT tabid, tabname FROM systables WHERE lower(tabname) = lower(?) AND tabtype IN ('T', 'V', 'Q')"
  ).get(name) as { tabid: number | bigint; tabname: string } | undefined
  return row === undefined ? undefined : { tabid: Number(row.tabid), name: row.tabname }
}

const roleExists = (db: DatabaseSync, role: string) =>
  db.prepare("SELECT 1 FROM sysusers WHERE lower(username) = lower(?) AND usertype = 'G'").get(role) !== undefined

const setUserType = (db: DatabaseSync, user: string, type: string | undefined) => {
  db.prepare("DELETE FROM sysusers WHERE lower(username) = lower(?) AND usertype IN ('D', 'R', 'C')").run(user)
  if (type !== undefined) {
    db.prepare("INSERT INTO sysusers (username, usertype, priority, password, defrole) VALUES (?, ?, 5, NULL, NULL)")
      .run(user, type)
  }
}

/** CREATE ROLE / DROP ROLE / GRANT / REVOKE / SET ROLE, or undefined when not one of them. */
export const planPrivilege = (
  tokens: ReadonlyArray<Token>,
  end: number
): ExtensionPlan | TranslateError | undefined => {
  const verb = tokens[0]!.upper
  if ((verb === "CREATE" || verb === "DROP") && isWord(tokens[1], "ROLE")) return planRole(tokens, end, verb)
  if (verb === "SET" && isWord(tokens[1], "ROLE")) return planSetRole(tokens, end)
  if (verb === "GRANT" || verb === "REVOKE") return planGrant(tokens, end, verb === "GRANT")
  return undefined
}

const plain = (statementType: number, run: ExtensionPlan["run"]): ExtensionPlan => ({
  kind: "extension",
  statementType,
  writes: "permanent",
  tables: [],
  run
})

const planRole = (tokens: ReadonlyArray<Token>, end: number, verb: string): ExtensionPlan | TranslateError => {
  const { present: ifClause, next: i } = ifExistsClause(tokens, 2)
  const role = tokens[i]
  if ((role?.kind !== "ident" && role?.kind !== "string") || i + 1 < end) {
    return translateError(-201, tokens[i + 1]?.offset ?? role?.offset ?? 0)
  }
  const name = role.text.toLowerCase()
  if (verb === "CREATE") {
    return plain(83, (host) => {
      if (host.db.prepare("SELECT 1 FROM sysusers WHERE lower(username) = ?").get(name) !== undefined) {
        return ifClause ? ok : engineError(-19801, { parameter: name, offset: role.offset })
      }
      host.db.prepare(
        "INSERT INTO sysusers (username, usertype, priority, password, defrole) VALUES (?, 'G', 5, NULL, NULL)"
      )
        .run(name)
      return ok
    })
  }
  return plain(84, (host) => {
    if (!roleExists(host.db, name)) return ifClause ? ok : engineError(-19801, { parameter: name, offset: role.offset })
    host.inStatementSavepoint(() => {
      host.db.prepare("DELETE FROM sysusers WHERE lower(username) = ? AND usertype = 'G'").run(name)
      host.db.prepare("DELETE FROM sysroleauth WHERE lower(rolename) = ?").run(name)
      host.db.prepare("DELETE FROM systabauth WHERE lower(trim(grantee)) = ?").run(name)
      host.db.prepare("DELETE FROM syscolauth WHERE lower(trim(grantee)) = ?").run(name)
      host.db.prepare("UPDATE sysusers SET defrole = NULL WHERE lower(trim(defrole)) = ?").run(name)
    })
    return ok
  })
}

const planSetRole = (tokens: ReadonlyArray<Token>, end: number): ExtensionPlan | TranslateError => {
  let i = 2
  if (isWord(tokens[i], "TO")) i++
  const role = tokens[i]
  if ((role?.kind !== "ident" && role?.kind !== "string") || i + 1 < end) {
    return translateError(-201, tokens[i + 1]?.offset ?? role?.offset ?? 0)
  }
  const name = role.text.toLowerCase()
  return {
    kind: "extension",
    statementType: 85,
    writes: "none",
    tables: [],
    run: (host) => {
      if (role.kind === "ident" && (role.upper === "NONE" || role.upper === "NULL")) {
        host.role = ""
        return ok
      }
      if (role.kind === "ident" && role.upper === "DEFAULT") {
        host.role = undefined
        return ok
      }
      const granted = isDba(host.db, host.user) ||
        host.db.prepare(
            "SELECT 1 FROM sysroleauth WHERE lower(trim(rolename)) = ? AND lower(trim(grantee)) IN (?, 'public')"
          ).get(name, host.user.toLowerCase()) !== undefined
      if (!roleExists(host.db, name) || !granted) return engineError(-19805, { parameter: name, offset: role.offset })
      host.role = name
      return ok
    }
  }
}

const planGrant = (tokens: ReadonlyArray<Token>, end: number, grant: boolean): ExtensionPlan | TranslateError => {
  const toWord = grant ? "TO" : "FROM"
  // Database-level: GRANT DBA | RESOURCE | CONNECT TO users.
  const level = tokens[1]
  if (
    (isWord(level, "DBA") || isWord(level, "RESOURCE") || isWord(level, "CONNECT")) && isWord(tokens[2], toWord)
  ) {
    const users = names(tokens, 3, end)
    if (users.list.length === 0 || users.next < end) return translateError(-201, tokens[users.next]?.offset ?? 0)
    const type = level!.upper[0]!
    return plain(grant ? 18 : 19, (host) => {
      host.inStatementSavepoint(() => {
        for (const u of users.list) setUserType(host.db, u, grant ? type : undefined)
      })
      return ok
    })
  }
  // GRANT DEFAULT ROLE r TO users / REVOKE DEFAULT ROLE FROM users.
  if (isWord(tokens[1], "DEFAULT") && isWord(tokens[2], "ROLE")) {
    const role = grant ? tokens[3] : undefined
    const at = grant ? 4 : 3
    if (!isWord(tokens[at], toWord)) return translateError(-201, tokens[at]?.offset ?? 0)
    const users = names(tokens, at + 1, end)
    if (users.list.length === 0 || users.next < end) return translateError(-201, tokens[users.next]?.offset ?? 0)
    return plain(grant ? 18 : 19, (host) => {
      if (role !== undefined && !roleExists(host.db, role.text)) {
        return engineError(-19801, { parameter: role.text, offset: role.offset })
      }
      host.inStatementSavepoint(() => {
        for (const u of users.list) {
          const exists = host.db.prepare("SELECT 1 FROM sysusers WHERE lower(username) = ? AND usertype <> 'G'").get(u)
          if (exists === undefined) {
            host.db.prepare(
              "INSERT INTO sysusers (username, usertype, priority, password, defrole) VALUES (?, 'C', 5, NULL, ?)"
            )
              .run(u, role?.text.toLowerCase() ?? null)
          } else {
            host.db.prepare("UPDATE sysusers SET defrole = ? WHERE lower(username) = ? AND usertype <> 'G'").run(
              role?.text.toLowerCase() ?? null,
              u
            )
          }
          if (role !== undefined) grantRole(host, role.text.toLowerCase(), u, false)
        }
      })
      return ok
    })
  }
  // Table or routine privileges: GRANT privs ON object TO grantees [WITH GRANT OPTION] [AS grantor].
  const on = findWord(tokens, 1, end, "ON")
  if (on < 0) return planRoleGrant(tokens, end, grant, toWord)
  const wanted = new Set<string>()
  /** Column-level grants: privilege letter (s, u, r) → column names. */
  const columnLevel = new Map<string, Array<Token>>()
  let i = 1
  let execute = false
  while (i < on) {
    const t = tokens[i]!
    if (isWord(t, "ALL")) {
      for (const l of letters) if (l !== "*" && l !== "n") wanted.add(l)
      i++
      if (isWord(tokens[i], "PRIVILEGES")) i++
    } else if (isWord(t, "EXECUTE")) {
      execute = true
      i++
    } else if (t.kind === "ident" && byKeyword[t.upper] !== undefined) {
      const letter = byKeyword[t.upper]!
      i++
      if (isPunct(tokens[i], "(") && "sur".includes(letter)) {
        const close = findClose(tokens, i)
        columnLevel.set(letter, tokens.slice(i + 1, close).filter((c) => c.kind === "ident"))
        i = close + 1
      } else wanted.add(letter)
    } else return translateError(-201, t.offset)
    if (isPunct(tokens[i], ",")) i++
  }
  let j = on + 1
  let routine = false
  if (isWord(tokens[j], "TABLE") || isWord(tokens[j], "SEQUENCE")) j++
  else if (isWord(tokens[j], "PROCEDURE") || isWord(tokens[j], "FUNCTION") || isWord(tokens[j], "ROUTINE")) {
    routine = true
    j++
  }
  const object = qualifiedName(tokens, j)
  if (object === undefined) return translateError(-201, tokens[j]?.offset ?? 0)
  j = object.next
  if (isPunct(tokens[j], "(")) {
    let depth = 0
    do {
      if (isPunct(tokens[j], "(")) depth++
      else if (isPunct(tokens[j], ")")) depth--
      j++
    } while (depth > 0 && j < end)
  }
  if (!isWord(tokens[j], toWord)) return translateError(-201, tokens[j]?.offset ?? 0)
  const grantees = names(tokens, j + 1, end)
  if (grantees.list.length === 0) return translateError(-201, tokens[j + 1]?.offset ?? 0)
  let k = grantees.next
  let grantable = false
  if (grant && isWord(tokens[k], "WITH") && isWord(tokens[k + 1], "GRANT") && isWord(tokens[k + 2], "OPTION")) {
    grantable = true
    k += 3
  }
  let grantor: string | undefined
  if (grant && isWord(tokens[k], "AS") && tokens[k + 1] !== undefined) {
    grantor = tokens[k + 1]!.text.toLowerCase()
    k += 2
  }
  if (!grant && (isWord(tokens[k], "CASCADE") || isWord(tokens[k], "RESTRICT"))) k++
  if (k < end) return translateError(-201, tokens[k]!.offset)
  if (execute || routine) {
    if (!execute || wanted.size > 0 || columnLevel.size > 0) return translateError(-201, tokens[1]!.offset)
    return plain(grant ? 18 : 19, (host) => routineGrant(host, object.name, grantees.list, grant, grantor))
  }
  return plain(grant ? 18 : 19, (host) => {
    const target = tabidOf(host.db, object.name.text)
    if (target === undefined) {
      return engineError(-206, { isamCode: -111, parameter: object.name.text, offset: object.name.offset })
    }
    const missing = Array.from(columnLevel.values()).flat().find((c) =>
      colnoOf(host.db, target.tabid, c.text) === undefined
    )
    if (missing !== undefined) return engineError(-217, { parameter: missing.text, offset: missing.offset })
    host.inStatementSavepoint(() => {
      for (const grantee of grantees.list) {
        const row = host.db.prepare(
          "SELECT rowid, tabauth FROM systabauth WHERE tabid = ? AND lower(trim(grantee)) = ?"
        ).get(target.tabid, grantee) as { rowid: number | bigint; tabauth: string } | undefined
        grantColumns(host, target.tabid, grantee, columnLevel, grant, grantor)
        // '*': the grantee holds column-level privileges on the table (syscolauth).
        const hasColumns = host.db.prepare(
          "SELECT 1 FROM syscolauth WHERE tabid = ? AND lower(trim(grantee)) = ? AND colauth <> '---'"
        ).get(target.tabid, grantee) !== undefined
        const add = new Set(grant ? wanted : [])
        const remove = new Set(grant ? [] : wanted)
        if (hasColumns) add.add("*")
        else remove.add("*")
        const tabauth = merge(row?.tabauth ?? "---------", add, remove, grantable)
        if (row !== undefined) host.db.prepare("DELETE FROM systabauth WHERE rowid = ?").run(row.rowid)
        if (tabauth !== "---------") {
          host.db.prepare("INSERT INTO systabauth (grantor, grantee, tabid, tabauth) VALUES (?, ?, ?, ?)").run(
            grantor ?? host.user,
            grantee,
            target.tabid,
            tabauth
          )
        }
      }
    })
    return ok
  })
}

const colnoOf = (db: DatabaseSync, tabid: number, column: string): number | undefined => {
  const row = db.prepare("SELECT colno FROM syscolumns WHERE tabid = ? AND lower(colname) = lower(?)").get(
    tabid,
    column
  ) as { colno: number | bigint } | undefined
  return row === undefined ? undefined : Number(row.colno)
}

/** syscolauth rows of a column-level GRANT / REVOKE: colauth is three letters `sur`, '-' where not granted. */
const grantColumns = (
  host: ExtensionHost,
  tabid: number,
  grantee: string,
  columns: ReadonlyMap<string, ReadonlyArray<Token>>,
  grant: boolean,
  grantor: string | undefined
): void => {
  for (const [letter, names] of columns) {
    const at = "sur".indexOf(letter)
    for (const column of names) {
      const colno = colnoOf(host.db, tabid, column.text)!
      const row = host.db.prepare(
        "SELECT rowid, colauth FROM syscolauth WHERE tabid = ? AND colno = ? AND lower(trim(grantee)) = ?"
      ).get(tabid, colno, grantee) as { rowid: number | bigint; colauth: string } | undefined
      const current = Array.from(row?.colauth ?? "---")
      current[at] = grant ? letter : "-"
      if (row !== undefined) host.db.prepare("DELETE FROM syscolauth WHERE rowid = ?").run(row.rowid)
      if (current.join("") !== "---") {
        host.db.prepare("INSERT INTO syscolauth (grantor, grantee, tabid, colno, colauth) VALUES (?, ?, ?, ?, ?)")
          .run(grantor ?? host.user, grantee, tabid, colno, current.join(""))
      }
    }
  }
}

/** GRANT role TO users [WITH GRANT OPTION] / REVOKE role FROM users. */
const planRoleGrant = (
  tokens: ReadonlyArray<Token>,
  end: number,
  grant: boolean,
  toWord: string
): ExtensionPlan | TranslateError => {
  const roles = names(tokens, 1, end)
  if (roles.list.length === 0 || !isWord(tokens[roles.next], toWord)) {
    return translateError(-201, tokens[roles.next]?.offset ?? 0)
  }
  const users = names(tokens, roles.next + 1, end)
  let k = users.next
  let grantable = false
  if (grant && isWord(tokens[k], "WITH") && isWord(tokens[k + 1], "GRANT") && isWord(tokens[k + 2], "OPTION")) {
    grantable = true
    k += 3
  }
  if (users.list.length === 0 || k < end) return translateError(-201, tokens[k]?.offset ?? 0)
  return plain(grant ? 18 : 19, (host) => {
    const unknown = roles.list.find((r) => !roleExists(host.db, r))
    // A word that is neither a privilege nor a role: Informix reads it as a role name.
    if (unknown !== undefined) return engineError(-19801, { parameter: unknown })
    host.inStatementSavepoint(() => {
      for (const r of roles.list) {
        for (const u of users.list) {
          if (grant) grantRole(host, r, u, grantable)
          else host.db.prepare("DELETE FROM sysroleauth WHERE lower(rolename) = ? AND lower(grantee) = ?").run(r, u)
        }
      }
    })
    return ok
  })
}

const grantRole = (host: ExtensionHost, role: string, user: string, grantable: boolean) => {
  host.db.prepare("DELETE FROM sysroleauth WHERE lower(rolename) = ? AND lower(grantee) = ?").run(role, user)
  host.db.prepare("INSERT INTO sysroleauth (rolename, grantee, is_grantable) VALUES (?, ?, ?)").run(
    role,
    user,
    grantable ? "Y" : "N"
  )
}

/**
 * GRANT / REVOKE EXECUTE ON routine: recorded in sysprocauth (procid from sysprocedures, which the SPL support
 * creates); a routine that does not exist is -674 "Routine (%s) can not be resolved".
 */
const routineGrant = (
  host: ExtensionHost,
  routine: Token,
  grantees: ReadonlyArray<string>,
  grant: boolean,
  grantor: string | undefined
): ReturnType<ExtensionPlan["run"]> => {
  const procs = host.db.prepare("SELECT procid FROM sysprocedures WHERE lower(procname) = lower(?)").all(
    routine.text
  ) as Array<{ procid: number | bigint }>
  if (procs.length === 0) return engineError(-674, { parameter: routine.text, offset: routine.offset })
  host.inStatementSavepoint(() => {
    for (const { procid } of procs) {
      for (const g of grantees) {
        host.db.prepare("DELETE FROM sysprocauth WHERE procid = ? AND lower(trim(grantee)) = ?").run(procid, g)
        if (grant) {
          host.db.prepare("INSERT INTO sysprocauth (grantor, grantee, procid, procauth) VALUES (?, ?, ?, 'e')").run(
            grantor ?? host.user,
            g,
            procid
          )
        }
      }
    }
  })
  return ok
}

const findWord = (tokens: ReadonlyArray<Token>, from: number, end: number, word: string) => {
  for (let i = from; i < end; i++) if (isWord(tokens[i], word)) return i
  return -1
}

/* oxlint-disable no-this-in-exported-function -- these functions are Session methods, installed on its prototype (clientSession.ts) */
/**
 * The statements on the instance rather than on the open database (parsed by engine/instance.ts): CREATE DATABASE,
 * DROP DATABASE, DATABASE [EXCLUSIVE] and CLOSE DATABASE. They need no open database, and they open or close the
 * session's one, which the engine session cannot do to itself.
 */
import * as Effect from "effect/Effect"
import type { ServerMessage } from "../protocol/messages.ts"
import type { Session } from "./clientSession.ts"
import type { EngineError, InstanceStatement } from "./engine/api.ts"
import { isEngineError } from "./engine/api.ts"
import {
  BatchFailure,
  done,
  err,
  fromEngine,
  SQL_NO_DATABASE,
  SQL_SECONDARY_OPERATION,
  SQL_TRANSACTION_OPEN
} from "./sessionReplies.ts"

const fail = (e: EngineError) => Effect.fail(new BatchFailure(fromEngine(e)))

/**
 * Runs one instance statement; its reply is a DONE. CREATE DATABASE opens the new database (IBM: "the database that
 * you create becomes the current database"). The DONE of CREATE DATABASE and DATABASE carries the database-open
 * warnings: JDBC 15 reads them there for statement types 1 and 12 (IfxSqli receiveDone sets OpenDBStmt, then
 * setDatabaseOpen with the warnings), as after SQ_DBOPEN.
 */
export function runInstance(this: Session, statement: InstanceStatement): Effect.Effect<ServerMessage, BatchFailure> {
  // A cluster's secondary shares the primary's disk read-only: it cannot create or drop a database.
  if ((statement.kind === "createDatabase" || statement.kind === "dropDatabase") && this.ctx.secondary?.() === true) {
    return Effect.fail(new BatchFailure(err(SQL_SECONDARY_OPERATION)))
  }
  switch (statement.kind) {
    case "createDatabase": {
      if (statement.ifNotExists && this.ctx.engine.database(statement.name) !== undefined) {
        return Effect.succeed(done(0, 0))
      }
      if (this.database?.engine.inTransaction === true) {
        return Effect.fail(new BatchFailure(err(SQL_TRANSACTION_OPEN)))
      }
      const created = this.ctx.engine.createDatabase(statement.name, {
        logged: statement.logged,
        buffered: statement.buffered,
        ansi: statement.ansi,
        // IBM: a new database takes the client's DB_LOCALE, else the server's default locale.
        locale: this.env.get("DB_LOCALE") ?? this.ctx.config.defaultLocale,
        owner: this.user ?? "informix"
      })
      if (isEngineError(created)) return fail(created)
      return Effect.map(this.dbOpen(created.name, false), (known) => this.openedDone(known))
    }
    case "dropDatabase": {
      if (statement.ifExists && this.ctx.engine.database(statement.name) === undefined) {
        return Effect.succeed(done(0, 0))
      }
      const dropped = this.ctx.engine.dropDatabase(statement.name, this.database?.engine)
      return dropped === undefined ? Effect.succeed(done(0, 0)) : fail(dropped)
    }
    case "database":
      return Effect.map(this.dbOpen(statement.name, statement.exclusive), (known) => this.openedDone(known))
    case "closeDatabase": {
      if (this.database === undefined) return Effect.fail(new BatchFailure(err(SQL_NO_DATABASE)))
      if (this.database.engine.inTransaction) return Effect.fail(new BatchFailure(err(SQL_TRANSACTION_OPEN)))
      this.closeDatabase(this.current)
      return Effect.succeed(done(0, 0))
    }
  }
}

/**
 * Shared set-up of the SQL-subset tests: a TestServer and connections to it (through the wire, our Connection).
 */
import * as Effect from "effect/Effect"
import * as Connection from "../../../src/Connection.ts"
import type { InformixError } from "../../../src/InformixError.ts"
import * as TestServer from "../../../src/TestServer.ts"

export const codes = (error: InformixError) =>
  error._tag === "SqlError" ? [error.sqlcode, error.isamCode] : [error._tag, error.message]

/** The sqlcode a statement fails with. */
export const failure = (effect: Effect.Effect<unknown, InformixError>) =>
  Effect.map(Effect.flip(effect), (e) => codes(e)[0])

export const serverWith = (options?: TestServer.TestServerOptions) =>
  Effect.gen(function*() {
    const server = yield* TestServer.make(options)
    const connect = (user?: string) => {
      if (user === undefined) return Connection.make({ url: server.url })
      const password = options?.users?.[user] ?? ""
      return Connection.make({
        url:
          `informix://${user}:${password}@${server.host}:${server.port}/${server.database}?server=${server.serverName}`
      })
    }
    return { server, connect, conn: yield* connect() }
  })

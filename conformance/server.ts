/**
 * Starts our TestServer in-process for the conformance run and describes it as a `Target` for the peers.
 * Kept apart from run.ts because it is the one place that depends on TestServer's options.
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as fs from "node:fs"
import * as TestServer from "../src/TestServer.ts"
import type { Target } from "./peers.ts"

export interface ServerSettings {
  /**
   * Grant capability bits 69/70 (4-byte DESCRIBE tuple size, 22-byte SQ_DONE) to clients that offer them, as a real
   * Informix 15 does toward JDBC 15 (golden/README.md); false is TestServer's default, the narrow framing.
   */
  readonly extendedFraming: boolean
  readonly user: string
  readonly password: string
  readonly database: string
  readonly server: string
  readonly caFile: string
  readonly certFile: string
  readonly keyFile: string
}

export const startServer = (
  settings: ServerSettings
): Effect.Effect<Target, TestServer.TestServerError, Scope.Scope> =>
  Effect.gen(function*() {
    const server = yield* TestServer.make({
      users: { [settings.user]: settings.password },
      // Logged, as the peers' transaction scenarios need (JDBC refuses setAutoCommit(false) otherwise).
      databases: [{ name: settings.database, logged: true }],
      serverName: settings.server,
      tls: { cert: fs.readFileSync(settings.certFile), key: fs.readFileSync(settings.keyFile) },
      grantExtendedFraming: settings.extendedFraming
    })
    return {
      host: server.host,
      port: server.port,
      tlsPort: server.tlsPort,
      caFile: settings.caFile,
      user: settings.user,
      password: settings.password,
      database: settings.database,
      server: settings.server,
      stallSql: server.stallSql
    }
  })

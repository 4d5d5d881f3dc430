/**
 * Starts our TestServer in-process for the conformance run and describes it as a `Target` for the peers.
 * Kept apart from run.ts because it is the one place that depends on TestServer's options.
 */
import { Effect } from "effect"
import type { Scope } from "effect"
import * as fs from "node:fs"
import type { Target } from "./run.ts"

export interface ServerSettings {
  readonly user: string
  readonly password: string
  readonly database: string
  readonly server: string
  readonly caFile: string
  readonly certFile: string
  readonly keyFile: string
}

interface TestServerModule {
  readonly make: (options: Record<string, unknown>) => Effect.Effect<Record<string, unknown>, unknown, Scope.Scope>
}

// TestServer is being written in parallel; until src/TestServer.ts exists the import path is computed so the
// type check of this script does not depend on it.
const testServerPath = "../src/TestServer.ts"

export const startServer = (settings: ServerSettings): Effect.Effect<Target, unknown, Scope.Scope> =>
  Effect.gen(function*() {
    const module = yield* Effect.tryPromise({
      try: () => import(testServerPath) as Promise<{ readonly TestServer?: TestServerModule } & TestServerModule>,
      catch: (cause) => new Error(`cannot load src/TestServer.ts: ${String(cause)}`)
    })
    const TestServer = module.TestServer ?? module
    const server = yield* TestServer.make({
      users: { [settings.user]: settings.password },
      databases: [settings.database],
      serverName: settings.server,
      tls: { cert: fs.readFileSync(settings.certFile), key: fs.readFileSync(settings.keyFile) }
    })
    return {
      host: String(server["host"] ?? "127.0.0.1"),
      port: Number(server["port"]),
      tlsPort: server["tlsPort"] === undefined ? undefined : Number(server["tlsPort"]),
      caFile: settings.caFile,
      user: settings.user,
      password: settings.password,
      database: settings.database,
      server: settings.server,
      stallSql: typeof server["stallSql"] === "string" ? server["stallSql"] : ""
    }
  })

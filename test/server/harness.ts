/**
 * Starts the server's listener with a scripted engine (fakeEngine.ts), for session-layer tests that must not depend
 * on SQLite.
 */
import * as Effect from "effect/Effect"
import type { ServerConfig, ServerContext } from "../../src/internal/server/context.ts"
import { emptyFaults } from "../../src/internal/server/faults.ts"
import type { ListenOptions } from "../../src/internal/server/listeners.ts"
import { listen } from "../../src/internal/server/listeners.ts"
import type { ReplayResult } from "../../src/internal/server/replay.ts"
import { DEFAULT_LOCALE } from "../../src/internal/values/charset.ts"
import { makeFakeEngine } from "./fakeEngine.ts"
import type { FakeEngine } from "./fakeEngine.ts"

export const defaultConfig: ServerConfig = {
  users: new Map([["informix", "in4mix"]]),
  pam: new Map(),
  defaultLocale: DEFAULT_LOCALE,
  serverName: "ol_test",
  serverVersion: "15.0.1.0.3",
  grantExtendedFraming: false,
  dbOpenReply: "done",
  sqlSleep: true,
  honourOptofc: true
}

export const startFake = (
  options: {
    readonly config?: Partial<ServerConfig>
    readonly engine?: FakeEngine
    readonly replay?: ReadonlyMap<string, ReplayResult>
    readonly tls?: ListenOptions["tls"]
  } = {}
) =>
  Effect.gen(function*() {
    const engine = options.engine ?? makeFakeEngine(["testdb", "plain"])
    const faults = emptyFaults()
    const ctx: ServerContext = {
      config: { ...defaultConfig, ...options.config },
      engine,
      faults,
      replay: options.replay ?? new Map()
    }
    const listening = yield* Effect.orDie(listen(ctx, { host: "127.0.0.1", port: 0, tls: options.tls }))
    return { port: listening.port, tlsPort: listening.tlsPort, faults, engine, listening }
  })

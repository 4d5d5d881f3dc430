#!/usr/bin/env node
/**
 * effect-informix-server: run the embedded SQLI TestServer from the command line.
 *
 *   npx effect-informix-server --port 9088 --user informix --password secret [--database testdb ...]
 *     [--unlogged-database name ...] [--ansi-database name ...] [--locale en_US.utf8] [--server-name ol_test]
 *     [--host 127.0.0.1] [--dir ./data]
 *     [--tls-key key.pem --tls-cert cert.pem [--tls-port 9089]] [--extended-framing] [--trace] [--json]
 *
 * The server is an instance: clients may connect without a database and CREATE DATABASE (sysmaster lists them);
 * `--locale` is the instance's default locale (of the declared databases, and of CREATE DATABASE from a client that
 * sends no DB_LOCALE); with `--dir` created databases persist across restarts.
 *
 * Prints where it listens (host, port, url, server name) and runs until SIGINT/SIGTERM. A tiny JS file on purpose:
 * Node 26 strips the types of the TypeScript module it imports.
 *
 * Runs under `NodeRuntime.runMain` (@effect/platform-node, an optional peer dependency of this package): SIGINT /
 * SIGTERM interrupt the server fiber, whose scope closes every session (rolling back open transactions) and the
 * listeners; a stop by signal exits 0, a failure (port in use, say) is written to stderr and exits 1.
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Logger from "effect/Logger"
import * as References from "effect/References"
import { readFileSync } from "node:fs"
import { parseArgs } from "node:util"

const NodeRuntime = await import("@effect/platform-node/NodeRuntime").catch(() => {
  process.stderr.write(
    "effect-informix-server: needs @effect/platform-node (npm install --save-dev @effect/platform-node@^4.1.0)\n"
  )
  process.exit(1)
})

// Installed as a dependency, Node will not strip types under node_modules: use the compiled module there; in this
// repository run the source directly (Node 26 strips the types).
const TestServer = await import(
  import.meta.url.includes("/node_modules/") ? "../dist/TestServer.js" : "../src/TestServer.ts"
)

const { values } = parseArgs({
  options: {
    host: { type: "string", default: "127.0.0.1" },
    port: { type: "string", default: "9088" },
    user: { type: "string", default: "informix" },
    password: { type: "string", default: "in4mix" },
    database: { type: "string", multiple: true },
    "unlogged-database": { type: "string", multiple: true },
    "ansi-database": { type: "string", multiple: true },
    locale: { type: "string" },
    "server-name": { type: "string", default: "ol_test" },
    dir: { type: "string" },
    "tls-key": { type: "string" },
    "tls-cert": { type: "string" },
    "tls-port": { type: "string" },
    "extended-framing": { type: "boolean", default: false },
    trace: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false }
  }
})

if (values.help) {
  process.stdout.write(
    "usage: effect-informix-server [--port 9088] [--user informix] [--password in4mix] [--database testdb ...]\n" +
      "  [--unlogged-database name ...] [--ansi-database name ...] [--locale en_US.utf8] [--server-name ol_test]\n" +
      "  [--host 127.0.0.1] [--dir ./data]\n" +
      "  [--tls-key key.pem --tls-cert cert.pem [--tls-port 9089]] [--extended-framing] [--trace] [--json]\n"
  )
  process.exit(0)
}

const logged = values.database ?? []
const unlogged = values["unlogged-database"] ?? []
const ansi = values["ansi-database"] ?? []
const databases = [
  ...logged.map((name) => ({ name, logged: true })),
  ...unlogged.map((name) => ({ name, logged: false })),
  ...ansi.map((name) => ({ name, ansi: true }))
]
if ((values["tls-key"] === undefined) !== (values["tls-cert"] === undefined)) {
  process.stderr.write("effect-informix-server: --tls-key and --tls-cert go together\n")
  process.exit(2)
}

const options = {
  host: values.host,
  port: Number(values.port),
  users: { [values.user]: values.password },
  databases: databases.length === 0 ? undefined : databases,
  serverName: values["server-name"],
  locale: values.locale,
  directory: values.dir,
  grantExtendedFraming: values["extended-framing"],
  protocolTrace: values.trace,
  tls: values["tls-key"] === undefined ? undefined : {
    key: readFileSync(values["tls-key"]),
    cert: readFileSync(values["tls-cert"]),
    port: values["tls-port"] === undefined ? 0 : Number(values["tls-port"])
  }
}

const program = Effect.gen(function*() {
  const server = yield* TestServer.make(options)
  const info = {
    host: server.host,
    port: server.port,
    serverName: server.serverName,
    url: server.url,
    tlsPort: server.tlsPort,
    tlsUrl: server.tlsUrl
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify(info)}\n`)
  } else {
    process.stdout.write(
      `effect-informix TestServer listening\n` +
        `  host:   ${info.host}\n  port:   ${info.port}\n  server: ${info.serverName}\n  url:    ${info.url}\n` +
        (info.tlsPort === undefined ? "" : `  tls:    port ${info.tlsPort}  ${info.tlsUrl}\n`)
    )
  }
  return yield* Effect.never
}).pipe(
  Effect.scoped,
  Effect.provide(Logger.layer([Logger.consolePretty()])),
  Effect.provideService(References.MinimumLogLevel, "Info")
)

// A stop by signal is the normal way to end a server: exit 0 (runMain's default would be 130). A failure goes to stderr
// (stdout may carry --json) and exits 1.
NodeRuntime.runMain(program, {
  disableErrorReporting: true,
  teardown: (exit, onExit) => {
    if (Exit.isFailure(exit) && !Cause.hasInterruptsOnly(exit.cause)) {
      process.stderr.write(`effect-informix-server: ${Cause.pretty(exit.cause)}\n`)
      return onExit(1)
    }
    return onExit(0)
  }
})

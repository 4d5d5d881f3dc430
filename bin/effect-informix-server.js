#!/usr/bin/env node
/**
 * effect-informix-server: run the embedded SQLI TestServer from the command line.
 *
 *   npx effect-informix-server --port 9088 --user informix --password secret [--database testdb ...]
 *     [--unlogged-database name ...] [--ansi-database name ...] [--locale en_US.utf8] [--server-name ol_test]
 *     [--host 127.0.0.1] [--dir ./data]
 *     [--tls-key key.pem --tls-cert cert.pem [--tls-port 9089]] [--extended-framing] [--trace] [--json]
 *     [--secondary ol_sds1 ... [--service-level oltp=primary ...]]
 *
 * The server is an instance: clients may connect without a database and CREATE DATABASE (sysmaster lists them);
 * `--locale` is the instance's default locale (of the declared databases, and of CREATE DATABASE from a client that
 * sends no DB_LOCALE); with `--dir` created databases persist across restarts.
 *
 * Cluster mode (`--secondary name`, repeatable): a primary named by --server-name on --port, the secondaries on the
 * next ports, then a Connection Manager with one port per `--service-level name=primary|secondary|any` (default oltp,
 * report, any); lines on stdin change it: `promote NAME`, `stop NAME`, `start NAME`, `roles` (docs/cluster.md).
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
import * as Queue from "effect/Queue"
import { readFileSync } from "node:fs"
import { createInterface } from "node:readline"
import { parseArgs } from "node:util"

// The embedded server runs on node:sqlite, which Node 20 lacks and 22.19 mis-binds (README "Requirements"): say so
// instead of failing with ERR_UNKNOWN_BUILTIN_MODULE.
const [major, minor] = process.versions.node.split(".").map(Number)
if (major < 22 || (major === 22 && minor < 20)) {
  process.stderr.write(`effect-informix-server: needs Node 22.20 or later (this is Node ${process.versions.node})\n`)
  process.exit(1)
}

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
    secondary: { type: "string", multiple: true },
    "service-level": { type: "string", multiple: true },
    help: { type: "boolean", short: "h", default: false }
  }
})

if (values.help) {
  process.stdout.write(
    "usage: effect-informix-server [--port 9088] [--user informix] [--password in4mix] [--database testdb ...]\n" +
      "  [--unlogged-database name ...] [--ansi-database name ...] [--locale en_US.utf8] [--server-name ol_test]\n" +
      "  [--host 127.0.0.1] [--dir ./data]\n" +
      "  [--tls-key key.pem --tls-cert cert.pem [--tls-port 9089]] [--extended-framing] [--trace] [--json]\n" +
      "  [--secondary ol_sds1 ... [--service-level oltp=primary ...]]   (cluster; stdin: promote|stop|start NAME, roles)\n"
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

const secondaries = values.secondary ?? []
const serviceLevels = (values["service-level"] ?? []).map((spec) => {
  const [name, route] = spec.split("=")
  if (name === undefined || name === "" || !["primary", "secondary", "any"].includes(route ?? "")) {
    process.stderr.write(`effect-informix-server: --service-level ${spec}: expected name=primary|secondary|any\n`)
    process.exit(2)
  }
  return { name, route }
})

/** Cluster mode: members and service levels on consecutive ports, then commands from stdin until stopped. */
const clusterProgram = Effect.gen(function*() {
  const port = Number(values.port)
  const levels = serviceLevels.length > 0
    ? serviceLevels
    : [{ name: "oltp", route: "primary" }, { name: "report", route: "secondary" }, { name: "any", route: "any" }]
  const cluster = yield* TestServer.cluster({
    ...options,
    primary: { name: values["server-name"], port },
    secondaries: secondaries.map((name, i) => ({ name, port: port === 0 ? 0 : port + 1 + i })),
    serviceLevels: levels.map((level, i) => ({
      name: level.name,
      route: level.route,
      port: port === 0 ? 0 : port + 1 + secondaries.length + i
    }))
  })
  const servers = (roles) =>
    roles.map((s) => `  ${s.name.padEnd(12)} ${s.role.padEnd(9)} ${s.running ? "running" : "stopped"}  ${s.url}\n`)
      .join("")
  const levelLines = cluster.serviceLevels
    .map((l) => `  ${l.name.padEnd(12)} SLA → ${l.route.padEnd(9)}  ${l.url}\n`).join("")
  const show = (roles) => values.json ? `${JSON.stringify({ servers: roles })}\n` : servers(roles)
  process.stdout.write(
    values.json
      ? `${JSON.stringify({ servers: cluster.servers, serviceLevels: cluster.serviceLevels })}\n`
      : `effect-informix TestServer cluster listening\n${servers(cluster.servers)}${levelLines}`
  )
  const lines = yield* Queue.unbounded()
  const input = createInterface({ input: process.stdin })
  input.on("line", (line) => Queue.offerUnsafe(lines, line))
  yield* Effect.addFinalizer(() => Effect.sync(() => input.close()))
  while (true) {
    const [command, name] = (yield* Queue.take(lines)).trim().split(/\s+/)
    const run = command === "promote" || command === "stop" || command === "start"
      ? cluster[command](name ?? "")
      : command === "roles"
      ? Effect.void
      : Effect.fail({ message: `unknown command ${command} (promote|stop|start NAME, roles)` })
    const exit = yield* Effect.exit(run)
    if (Exit.isFailure(exit)) process.stderr.write(`effect-informix-server: ${Cause.squash(exit.cause).message}\n`)
    else process.stdout.write(show(yield* cluster.roles))
  }
})

/** One server: where it listens, then nothing until stopped. */
const serverProgram = Effect.gen(function*() {
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
})

const program = (secondaries.length > 0 ? clusterProgram : serverProgram).pipe(
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

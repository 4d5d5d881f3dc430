/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
/**
 * An embedded Informix server for tests, local development and benchmarks: a real TCP listener speaking the server
 * side of SQLI (the protocol IBM's clients use), with node:sqlite doing the SQL.
 *
 * It is checked against IBM's JDBC driver and the Python informix-driver, so it behaves like a real server on the
 * wire: login and rejection (−951 bad password, −761 wrong server name), capability negotiation, prepared statements
 * with binds, cursors fetched in byte-budgeted batches, scroll cursors, transactions and savepoints on logged
 * databases, generated serials, BYTE/TEXT, the urgent-byte interrupt (−213), and one reply per request even when the
 * client pipelines.
 *
 * For client tests it can misbehave on demand (see {@link TestServerFaults}): stall, trickle bytes, close mid-reply,
 * corrupt a frame, or answer with a given SQL error. `EXECUTE PROCEDURE sysproc_sleep(n)` stalls a statement from
 * plain SQL (for peers that can only send SQL, e.g. JDBC's setQueryTimeout). Replay mode serves precomputed results
 * at wire speed for benchmarks.
 *
 * `cluster` runs a high-availability cluster: a primary and read-only shared-disk secondaries over one set of
 * databases, promote / stop / start, and a Connection Manager answering logins with redirects (docs/cluster.md).
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import type { Inbound } from "./internal/server/clientSession.ts"
import type { Member } from "./internal/server/cluster.ts"
import { makeCluster } from "./internal/server/cluster.ts"
import { startConnectionManager } from "./internal/server/connectionManager.ts"
import type { PamMode as ServerPamMode, ServerConfig, ServerContext } from "./internal/server/context.ts"
import type { ColumnDescription, Value } from "./internal/server/engine/index.ts"
import { Engine } from "./internal/server/engine/index.ts"
import type { Corruption, FaultState, InjectedError } from "./internal/server/faults.ts"
import { emptyFaults } from "./internal/server/faults.ts"
import type { Listening } from "./internal/server/listeners.ts"
import { listen } from "./internal/server/listeners.ts"
import { normaliseSql } from "./internal/server/prepareExecute.ts"
import { buildReplayTable } from "./internal/server/replay.ts"
import type { TraceEvent } from "./internal/server/socketLoop.ts"
import { charsetForLocale, DEFAULT_LOCALE, latin1Charset } from "./internal/values/index.ts"

/**
 * The SQL text that stalls for `seconds` (fractions allowed) in this server: an interruptible sleep handled by the
 * session layer. Useful to create a "long-running statement" from any client.
 *
 * @since 0.1.0
 * @category constructors
 */
export const sleepSql = (seconds: number): string => `EXECUTE PROCEDURE sysproc_sleep(${seconds})`

/**
 * A database the server offers. Logged databases (the default) support transactions; JDBC learns this from the
 * DBOPEN reply.
 *
 * @since 0.1.0
 * @category models
 */
export interface DatabaseOptions {
  readonly name: string
  readonly logged?: boolean | undefined
  /**
   * The database locale, default `en_US.8859-1`; e.g. `en_US.utf8` for a UTF-8 database. Text is stored and sent in
   * its code set; a client whose DB_LOCALE names another code set is refused at DBOPEN (−23197).
   */
  readonly locale?: string | undefined
  /**
   * A MODE ANSI database (implies logged): a transaction is always in effect (the server opens it with the first
   * statement after COMMIT/ROLLBACK and reports that with SQ_XACTSTAT), and an UPDATE, DELETE or INSERT … SELECT
   * that touches no row ends with SQ_ERR(100) NOT FOUND. The DBOPEN reply's warnings are 0x0007 (JDBC-READING.md §2).
   */
  readonly ansi?: boolean | undefined
}

/**
 * One column of a replayed result, described as a DESCRIBE would (type code with flags, encoded length).
 *
 * @since 0.1.0
 * @category models
 */
export interface ReplayColumn {
  readonly name: string
  /** Informix type code, `| 0x0100` for NOT NULL (e.g. 2 INTEGER, 13 VARCHAR, 0 CHAR, 5 DECIMAL). */
  readonly columnType: number
  /** CHAR n → n; VARCHAR → max length; DECIMAL (p << 8) | s; fixed types → their width. */
  readonly encodedLength: number
  readonly extendedId?: number | undefined
  readonly extendedName?: string | undefined
}

/**
 * A result served from memory: a PREPARE of `sql` (surrounding blanks and a trailing `;` ignored) returns these rows.
 * Rows are encoded once when the server starts; give them as an array or as a count and a generator.
 *
 * @since 0.1.0
 * @category models
 */
export interface ReplayEntry {
  readonly sql: string
  readonly columns: ReadonlyArray<ReplayColumn>
  readonly rows:
    | ReadonlyArray<ReadonlyArray<Value>>
    | { readonly count: number; readonly row: (index: number) => ReadonlyArray<Value> }
}

/**
 * Faults to arm from the start (the same as calling the {@link TestServerFaults} methods right after `make`).
 *
 * @since 0.1.0
 * @category models
 */
export interface FaultOptions {
  /** Destroy the socket once this many more reply bytes have been written (by any session). */
  readonly closeAfterBytes?: number | undefined
  /** Stall every reply (before its request is processed); the urgent byte interrupts the stall. */
  readonly stallEveryReply?: Duration.Input | undefined
  /** Wait before every write of at most `chunkSize` bytes (default: the whole reply). */
  readonly slowReplies?: { readonly delay: Duration.Input; readonly chunkSize?: number | undefined } | undefined
  /** Write replies one byte per TCP segment. */
  readonly splitWrites?: boolean | undefined
}

/**
 * A user's PAM conversation in the TestServer (see `TestServerOptions.pam`).
 *
 * @since 0.1.0
 * @category models
 */
export type PamMode = ServerPamMode

/**
 * What `make` accepts. Every field is optional.
 *
 * @since 0.1.0
 * @category models
 */
export interface TestServerOptions {
  /** Listen address; default 127.0.0.1. */
  readonly host?: string | undefined
  /** TCP port; default 0 (any free port). */
  readonly port?: number | undefined
  /**
   * user → password; default `{ informix: "in4mix" }`. The first user created the declared databases and is their
   * DBA (as a real server's database creator); the others hold what PUBLIC holds (CONNECT) until granted more.
   */
  readonly users?: Readonly<Record<string, string>> | undefined
  /**
   * user → PAM conversation, for users of `users` that log in through PAM (like a server configured for PAM):
   * the SQ_PROTOCOLS reply then requires the challenge loop, and the login PDU's password is not checked.
   * `password` prompts `"Password: "` (echo off); `passwordAndCode` then sends an info message and prompts
   * `"Verification code: "` (echo on); `refuse` sends an error message and ends the session. A wrong answer ends
   * the session (SQ_EXIT).
   */
  readonly pam?: Readonly<Record<string, PamMode>> | undefined
  /**
   * Databases declared at start; a plain name is a logged database. Default: one logged database "testdb". The
   * server is an instance like Informix's: clients may log in without a database, `CREATE DATABASE` / `DROP
   * DATABASE` others, and read the read-only `sysmaster` (sysdatabases, sysdbslocale, syssessions, sysenv);
   * `sysutils`, `sysuser`, `sysadmin` (its `task('pushdata ...')` commands: smart triggers) and `syscdcv1` (the
   * Change Data Capture API's routines) exist too. Tables of other databases are named `db:table`
   * (docs/sql-subset.md). CDC and push data are served from a change log the statements that change a table write
   * in their own transaction, once full-row logging is on for it (`cdc_set_fullrowlogging`, or a push-data
   * registration, which leaves it on).
   */
  readonly databases?: ReadonlyArray<string | DatabaseOptions> | undefined
  /**
   * The instance's default locale (default `en_US.8859-1`): the locale of declared databases without their own and
   * of `CREATE DATABASE` from a client that sends no DB_LOCALE (as Informix's server default locale).
   */
  readonly locale?: string | undefined
  /** DBSERVERNAME the client must name as INFORMIXSERVER (else −761); default "ol_test". */
  readonly serverName?: string | undefined
  /** Version string reported at login and by SQ_VERSION; default "15.0.1.0.3" (Informix 15). */
  readonly serverVersion?: string | undefined
  /**
   * Store databases as SQLite files in this directory (one per database, plus `sysmaster.sqlite3`, the registry);
   * databases created by clients persist across restarts on the same directory. Default: a throwaway directory.
   */
  readonly directory?: string | undefined
  /** A TLS listener on a separate port (TLS from the first byte, like an `onsocssl` listener). */
  readonly tls?:
    | {
      readonly key: string | Uint8Array
      readonly cert: string | Uint8Array
      /** Default 0 (any free port). */
      readonly port?: number | undefined
    }
    | undefined
  /**
   * Grant capability bits 69/70 (4-byte DESCRIBE tuple size, 22-byte SQ_DONE) to clients that offer them, as a real
   * Informix 15 does toward JDBC 15. Default false: the narrow framing every client verified against real servers.
   */
  readonly grantExtendedFraming?: boolean | undefined
  /**
   * Reply to SQ_DBOPEN with `SQ_DONE(logged flag)` ("done", default; JDBC needs it to allow transactions) or a bare
   * EOT ("eot"; what nmap's Informix scripts need).
   */
  readonly dbOpenReply?: "done" | "eot" | undefined
  /** Serve `EXECUTE PROCEDURE sysproc_sleep(n)` as an interruptible sleep; default true. */
  readonly sqlSleep?: boolean | undefined
  /**
   * Honour OPTOFC=1 in a session's environment (default true): the fetch that returns a forward cursor's last row
   * closes the cursor and says so (SQ_CLOSE), so the client sends no CLOSE. `false` is a server that ignores it, whose
   * cursors stay open until the client's CLOSE (to test a client's fallback).
   */
  readonly honourOptofc?: boolean | undefined
  /** Log every batch and reply (`true`: Effect logging at Info level), or hand them to a function. */
  readonly protocolTrace?: boolean | ((event: ProtocolTraceEvent) => void) | undefined
  readonly faults?: FaultOptions | undefined
  readonly replay?: ReadonlyArray<ReplayEntry> | undefined
}

/**
 * One traced protocol event.
 *
 * @since 0.1.0
 * @category models
 */
export type ProtocolTraceEvent =
  | { readonly _tag: "Batch"; readonly session: number; readonly messages: ReadonlyArray<Inbound> }
  | { readonly _tag: "Reply"; readonly session: number; readonly bytes: Uint8Array; readonly interrupted: boolean }
  | { readonly _tag: "Urgent"; readonly session: number; readonly ignored: boolean }

/**
 * Counters for leak checks: live sessions and the statements and cursors they hold.
 *
 * @since 0.1.0
 * @category models
 */
export interface TestServerStats {
  /** Sessions connected right now (logged in or not). */
  readonly sessions: number
  /** The most sessions that were connected at the same time. */
  readonly peakSessions: number
  /** Sessions accepted since the server started. */
  readonly totalSessions: number
  /** Prepared statements allocated in all live sessions (not yet released). */
  readonly statements: number
  /** Open cursors in all live sessions. */
  readonly cursors: number
  /** Live sessions with an open transaction. */
  readonly transactions: number
}

/**
 * Runtime fault injection. "Next" faults fire once, on the next reply of any session.
 *
 * @since 0.1.0
 * @category models
 */
export interface TestServerFaults {
  /** Destroy the socket after `bytes` more reply bytes (the reply in progress is cut there). */
  readonly closeAfterBytes: (bytes: number) => Effect.Effect<void>
  /** Hold the next reply for `duration` before its request is processed; the urgent byte answers it with −213. */
  readonly stallNextReply: (duration: Duration.Input) => Effect.Effect<void>
  /** Hold every reply (`undefined` turns it off). */
  readonly stallEveryReply: (duration: Duration.Input | undefined) => Effect.Effect<void>
  /**
   * Corrupt the next reply: flip the byte at `offset` (default 1: the first opcode's low byte), or put a message with
   * an opcode no client knows (0x00f0) in front of it.
   */
  readonly corruptNextReply: (
    corruption?: { readonly _tag: "FlipByte"; readonly offset?: number | undefined } | {
      readonly _tag: "UnknownOpcode"
    }
  ) => Effect.Effect<void>
  /** Wait `delay` before every write of at most `chunkSize` bytes (`undefined` turns it off). */
  readonly slowReplies: (
    options: { readonly delay: Duration.Input; readonly chunkSize?: number | undefined } | undefined
  ) => Effect.Effect<void>
  /** Write replies one byte per TCP segment. */
  readonly splitWrites: (enabled: boolean) => Effect.Effect<void>
  /**
   * Answer the next statement request with this SQ_ERR instead of running it: the next PREPARE/COMMAND ("prepare"),
   * EXECUTE/OPEN ("execute"), NFETCH/SFETCH ("fetch"), or whichever comes first ("any", the default).
   */
  readonly failNextStatement: (error: {
    readonly sqlcode: number
    readonly isamCode?: number | undefined
    readonly parameter?: string | undefined
    readonly on?: "prepare" | "execute" | "fetch" | "any" | undefined
  }) => Effect.Effect<void>
  /** Disarm every fault. */
  readonly reset: Effect.Effect<void>
}

/**
 * A running TestServer.
 *
 * @since 0.1.0
 * @category models
 */
export interface TestServer {
  readonly host: string
  readonly port: number
  /** Port of the TLS listener, when TLS was configured. */
  readonly tlsPort: number | undefined
  /** DBSERVERNAME (the INFORMIXSERVER clients must send). */
  readonly serverName: string
  /** The first user's credentials, the first database: `informix://user:password@host:port/db?server=name`. */
  readonly url: string
  /** The same for the TLS listener (`&tls=true`), when configured. */
  readonly tlsUrl: string | undefined
  readonly user: string
  readonly password: string
  readonly database: string
  /** `sleepSql(30)`: a statement that runs for 30 s unless interrupted. */
  readonly stallSql: string
  readonly faults: TestServerFaults
  readonly stats: Effect.Effect<TestServerStats>
  /** Destroy every client connection (as if the server restarted); their transactions roll back. */
  readonly dropConnections: Effect.Effect<void>
}

/**
 * The server's startup failure: the port is taken, the TLS material is invalid, the storage cannot be opened, or a
 * replay row does not fit its columns.
 *
 * @since 0.1.0
 * @category errors
 */
export class TestServerError extends Schema.TaggedError<TestServerError>("effect-informix/TestServerError")(
  "TestServerError",
  { message: Schema.String }
) {}

const DEFAULT_USERS: Readonly<Record<string, string>> = { informix: "in4mix" }

const millis = (input: Duration.Input): number => Duration.toMillis(Duration.fromInputUnsafe(input))

/** The options a single server and every cluster member have in common. */
type SharedOptions = Omit<TestServerOptions, "port" | "serverName" | "tls" | "replay" | "faults" | "protocolTrace">

/** What a single server and every cluster member share: the options with their defaults applied. */
interface Resolved {
  readonly host: string
  readonly users: Readonly<Record<string, string>>
  readonly defaultLocale: string
  readonly serverVersion: string
  readonly databases: ReadonlyArray<{ name: string; logged: boolean; ansi: boolean; locale: string }>
}

const resolve = (options: SharedOptions): Effect.Effect<Resolved, TestServerError> =>
  Effect.gen(function*() {
    const defaultLocale = options.locale ?? DEFAULT_LOCALE
    const databases = (options.databases ?? ["testdb"]).map((d) =>
      typeof d === "string"
        ? { name: d, logged: true, ansi: false, locale: defaultLocale }
        : {
          name: d.name,
          logged: d.ansi === true || (d.logged ?? true),
          ansi: d.ansi ?? false,
          locale: d.locale ?? defaultLocale
        }
    )
    if (charsetForLocale(defaultLocale) === undefined) {
      return yield* new TestServerError({ message: `unknown code set in locale ${defaultLocale}` })
    }
    const unknownLocale = databases.find((d) => charsetForLocale(d.locale) === undefined)
    if (unknownLocale !== undefined) {
      return yield* new TestServerError({
        message: `database ${unknownLocale.name}: unknown code set in locale ${unknownLocale.locale}`
      })
    }
    return {
      host: options.host ?? "127.0.0.1",
      users: options.users ?? DEFAULT_USERS,
      defaultLocale,
      serverVersion: options.serverVersion ?? "15.0.1.0.3",
      databases
    }
  })

const serverConfig = (
  options: SharedOptions,
  resolved: Resolved,
  serverName: string
): ServerConfig => ({
  users: new Map(Object.entries(resolved.users)),
  pam: new Map(Object.entries(options.pam ?? {})),
  defaultLocale: resolved.defaultLocale,
  serverName,
  serverVersion: resolved.serverVersion,
  grantExtendedFraming: options.grantExtendedFraming ?? false,
  dbOpenReply: options.dbOpenReply ?? "done",
  sqlSleep: options.sqlSleep ?? true,
  honourOptofc: options.honourOptofc ?? true
})

/** The engine (the databases on disk), closed with the scope; `serverName` is what `db@server` may name. */
const openEngine = (
  directory: string | undefined,
  resolved: Resolved,
  serverName: string
): Effect.Effect<Engine, TestServerError, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.try({
      try: () =>
        Engine.make({
          directory,
          databases: resolved.databases,
          serverVersion: resolved.serverVersion,
          serverName,
          // The first user created the declared databases: their DBA (a real server's database creator).
          owner: Object.keys(resolved.users)[0]
        }),
      catch: (cause) => new TestServerError({ message: `cannot open the databases: ${String(cause)}` })
    }),
    (e) => Effect.sync(() => e.close())
  )

/** sysmaster:syssessions lists the live sessions of these listeners, logged in with or without a database. */
const listSessions = (engine: Engine, listenings: () => Iterable<Listening>) =>
  engine.setSessionSource(() =>
    Array.from(listenings()).flatMap((listening) => Array.from(listening.sessions)).filter((session) =>
      session.phase !== "closed" && session.user !== undefined
    ).map((session) => ({
      sid: session.id,
      username: session.user ?? "",
      pid: session.client.pid,
      hostname: session.client.hostname,
      connected: session.client.connected,
      feprogram: session.client.program
    }))
  )

/** `informix://user:password@host:port/db?server=name` for the first user and database. */
const urlFor = (resolved: Resolved, port: number, serverName: string, extra = ""): string => {
  const [user, password] = Object.entries(resolved.users)[0] ?? ["informix", ""]
  const database = resolved.databases[0]?.name ?? ""
  return `informix://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${resolved.host}:${port}/${
    encodeURIComponent(database)
  }?server=${encodeURIComponent(serverName)}${extra}`
}

const initialFaults = (initial: FaultOptions | undefined): FaultState => {
  const faults = emptyFaults()
  if (initial !== undefined) {
    faults.closeAfterBytes = initial.closeAfterBytes
    faults.stallEveryMillis = initial.stallEveryReply === undefined ? undefined : millis(initial.stallEveryReply)
    faults.slow = initial.slowReplies === undefined
      ? undefined
      : { delayMillis: millis(initial.slowReplies.delay), chunkSize: initial.slowReplies.chunkSize }
    faults.splitWrites = initial.splitWrites ?? false
  }
  return faults
}

const faultControls = (faults: FaultState): TestServerFaults => ({
  closeAfterBytes: (bytes) => Effect.sync(() => (faults.closeAfterBytes = bytes)),
  stallNextReply: (duration) => Effect.sync(() => (faults.stallNextMillis = millis(duration))),
  stallEveryReply: (duration) =>
    Effect.sync(() => (faults.stallEveryMillis = duration === undefined ? undefined : millis(duration))),
  corruptNextReply: (corruption) =>
    Effect.sync(() => (faults.corruptNext = (corruption ?? { _tag: "FlipByte" }) as Corruption)),
  slowReplies: (slow) =>
    Effect.sync(() => (faults.slow = slow === undefined
      ? undefined
      : { delayMillis: millis(slow.delay), chunkSize: slow.chunkSize })
    ),
  splitWrites: (enabled) => Effect.sync(() => (faults.splitWrites = enabled)),
  failNextStatement: (error) => Effect.sync(() => (faults.failNext = error as InjectedError)),
  reset: Effect.sync(() => Object.assign(faults, emptyFaults()))
})

const NO_SESSIONS: Pick<Listening, "sessions" | "counters"> = {
  sessions: new Set(),
  counters: { totalSessions: 0, peakSessions: 0 }
}

/** Counters of a listener (a stopped cluster member has none). */
const statsOf = (listening: Pick<Listening, "sessions" | "counters">): TestServerStats => {
  let statements = 0
  let cursors = 0
  let transactions = 0
  for (const session of listening.sessions) {
    statements += session.statements.size
    cursors += session.openCursors
    if (session.database?.engine.inTransaction === true) transactions++
  }
  return {
    sessions: listening.sessions.size,
    peakSessions: listening.counters.peakSessions,
    totalSessions: listening.counters.totalSessions,
    statements,
    cursors,
    transactions
  }
}

/** The public view of one server; `listening` is read at each call (a cluster member's changes with stop/start). */
const serverView = (
  resolved: Resolved,
  serverName: string,
  ports: { readonly port: number; readonly tlsPort: number | undefined },
  faults: FaultState,
  listening: () => Pick<Listening, "sessions" | "counters" | "dropAll"> | undefined
): TestServer => {
  const [user, password] = Object.entries(resolved.users)[0] ?? ["informix", ""]
  return {
    host: resolved.host,
    port: ports.port,
    tlsPort: ports.tlsPort,
    serverName,
    url: urlFor(resolved, ports.port, serverName),
    tlsUrl: ports.tlsPort === undefined ? undefined : urlFor(resolved, ports.tlsPort, serverName, "&tls=true"),
    user,
    password,
    database: resolved.databases[0]?.name ?? "",
    stallSql: sleepSql(30),
    faults: faultControls(faults),
    stats: Effect.sync(() => statsOf(listening() ?? NO_SESSIONS)),
    dropConnections: Effect.sync(() => listening()?.dropAll())
  }
}

/**
 * Starts a server; it stops (closing every session, rolling back open transactions) when the scope closes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: TestServerOptions = {}): Effect.Effect<TestServer, TestServerError, Scope.Scope> =>
  Effect.gen(function*() {
    const resolved = yield* resolve(options)
    const serverName = options.serverName ?? "ol_test"
    const engine = yield* openEngine(options.directory, resolved, serverName)
    const replay = buildReplayTable(
      (options.replay ?? []).map((entry) => ({
        sql: entry.sql,
        columns: entry.columns.map(toColumn),
        rows: entry.rows
      })),
      charsetForLocale("en_US.8859-1") ?? latin1Charset,
      normaliseSql
    )
    if (typeof replay === "string") return yield* new TestServerError({ message: replay })
    const faults = initialFaults(options.faults)
    const ctx: ServerContext = { config: serverConfig(options, resolved, serverName), engine, faults, replay }

    const listening = yield* listen(ctx, {
      host: resolved.host,
      port: options.port ?? 0,
      tls: options.tls === undefined
        ? undefined
        : { key: options.tls.key, cert: options.tls.cert, port: options.tls.port ?? 0 },
      trace: traceFunction(options.protocolTrace)
    }).pipe(Effect.mapError((e) => new TestServerError({ message: e.message })))
    listSessions(engine, () => [listening])
    return serverView(resolved, serverName, listening, faults, () => listening)
  })

const toColumn = (column: ReplayColumn): ColumnDescription => ({
  name: column.name,
  columnType: column.columnType,
  encodedLength: column.encodedLength,
  extendedId: column.extendedId ?? 0,
  extendedName: column.extendedName ?? ""
})

/** A member's trace: `role` reads the member's role at each event. */
const clusterTrace = (option: TestClusterOptions["protocolTrace"], server: string) =>
  option === undefined || option === false
    ? undefined
    : option === true
    ? (role: () => ClusterRole) => (session: number, event: TraceEvent<Inbound>) =>
      Effect.logInfo(`TestServer ${server} (${role()}) session ${session}: ${describeEvent(event)}`)
    : (role: () => ClusterRole) => (session: number, event: TraceEvent<Inbound>) =>
      Effect.sync(() => option({ ...event, session, server, role: role() }))

const traceFunction = (
  option: TestServerOptions["protocolTrace"]
):
  | ((session: number, event: TraceEvent<Inbound>) => Effect.Effect<void>)
  | undefined =>
{
  if (option === undefined || option === false) return undefined
  if (option === true) {
    return (session, event) => Effect.logInfo(`TestServer session ${session}: ${describeEvent(event)}`)
  }
  return (session, event) => Effect.sync(() => option({ ...event, session }))
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex")

const describeEvent = (event: TraceEvent<Inbound>): string => {
  switch (event._tag) {
    case "Batch":
      return `← ${event.messages.map((m) => m._tag).join(" ")}`
    case "Reply":
      return `→ ${event.interrupted ? "(interrupted) " : ""}${hex(event.bytes)}`
    case "Urgent":
      return event.ignored ? "urgent byte while idle (ignored)" : "urgent byte: interrupting the running request"
  }
}

/**
 * The service tag of a TestServer provided by {@link layer}.
 *
 * @since 0.1.0
 * @category services
 */
export class TestServerService extends Context.Service<TestServerService, TestServer>()(
  "effect-informix/TestServer"
) {}

/**
 * A layer that runs a TestServer for as long as the layer lives.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: TestServerOptions = {}): Layer.Layer<TestServerService, TestServerError> =>
  Layer.effect(TestServerService, make(options))

/**
 * A server's role in a {@link TestCluster}: the primary accepts writes; a secondary (an Informix shared-disk
 * secondary) serves the primary's committed data read-only.
 *
 * @since 0.1.0
 * @category models
 */
export type ClusterRole = "primary" | "secondary"

/**
 * Where a Connection Manager service level sends its clients: the current primary, a running secondary (round
 * robin among them), or any running server (round robin, the primary included). Two test aids for a client's
 * redirect handling: `{ serviceLevel }` redirects to another service level of the same Connection Manager (a chain
 * of hops, or a loop), `{ detail }` sends this redirect detail as it is (a bad target).
 *
 * @since 0.1.0
 * @category models
 */
export type ServiceLevelRoute =
  | "primary"
  | "secondary"
  | "any"
  | { readonly serviceLevel: string }
  | { readonly detail: string }

/**
 * One service level (SLA) of the cluster's Connection Manager: its own listener, whose name clients send as
 * INFORMIXSERVER (like an SLA's sqlhosts entry).
 *
 * @since 0.1.0
 * @category models
 */
export interface ServiceLevelOptions {
  /** The SLA name, which clients name as INFORMIXSERVER when they connect to its port. */
  readonly name: string
  readonly route: ServiceLevelRoute
  /** TCP port; default 0 (any free port). */
  readonly port?: number | undefined
}

/**
 * One traced protocol event of a cluster member: `server` is the member, `role` its role when the event happened.
 *
 * @since 0.1.0
 * @category models
 */
export type ClusterTraceEvent = ProtocolTraceEvent & { readonly server: string; readonly role: ClusterRole }

/**
 * A cluster member's name (its DBSERVERNAME) and port.
 *
 * @since 0.1.0
 * @category models
 */
export interface ClusterMemberOptions {
  readonly name: string
  /** TCP port; default 0 (any free port). A member keeps its port across stop and start. */
  readonly port?: number | undefined
}

/**
 * What {@link cluster} accepts: the options of a single server (shared by every member: users, databases,
 * locale, version, …) plus the members' names and the Connection Manager's service levels.
 *
 * @since 0.1.0
 * @category models
 */
export interface TestClusterOptions extends
  Omit<
    TestServerOptions,
    "port" | "serverName" | "tls" | "replay" | "faults" | "protocolTrace"
  >
{
  /**
   * Log every member's batches and replies (`true`: Effect logging at Info level), or hand them to a function with
   * the member's name and its role when the event happened (e.g. to check that only a primary answered writes).
   */
  readonly protocolTrace?: boolean | ((event: ClusterTraceEvent) => void) | undefined
  /** The first primary: its DBSERVERNAME (default "ol_primary"), or its name and port. */
  readonly primary?: string | ClusterMemberOptions | undefined
  /** The secondaries: DBSERVERNAMEs, or names and ports; default `["ol_sds1"]`. */
  readonly secondaries?: ReadonlyArray<string | ClusterMemberOptions> | undefined
  /**
   * The Connection Manager's service levels, one listener each. Default: `oltp` → primary, `report` → secondary,
   * `any` → any server.
   */
  readonly serviceLevels?: ReadonlyArray<ServiceLevelOptions> | undefined
}

/**
 * A member of a running cluster as it is right now.
 *
 * @since 0.1.0
 * @category models
 */
export interface ClusterServerStatus {
  /** DBSERVERNAME (the INFORMIXSERVER clients must send). */
  readonly name: string
  readonly role: ClusterRole
  /** False between `stop(name)` and `start(name)`: its port refuses connections. */
  readonly running: boolean
  readonly host: string
  /** The member's port; it stays the same across stop and start. */
  readonly port: number
  /** `informix://user:password@host:port/db?server=name` for the first user and database. */
  readonly url: string
}

/**
 * A running Connection Manager service level.
 *
 * @since 0.1.0
 * @category models
 */
export interface ClusterServiceLevel {
  readonly name: string
  readonly route: ServiceLevelRoute
  readonly host: string
  readonly port: number
  /** `informix://user:password@host:port/db?server=<sla name>`: connecting to it gets the login redirect. */
  readonly url: string
}

/**
 * A running cluster: one primary and secondaries sharing one data directory, and a Connection Manager.
 *
 * @since 0.1.0
 * @category models
 */
export interface TestCluster {
  readonly host: string
  readonly user: string
  readonly password: string
  readonly database: string
  /** Every member in the order they were declared (primary first); `roles` tells their current role. */
  readonly servers: ReadonlyArray<ClusterServerStatus>
  /** The Connection Manager's service levels. */
  readonly serviceLevels: ReadonlyArray<ClusterServiceLevel>
  /** Every member's current role and whether it runs. */
  readonly roles: Effect.Effect<ReadonlyArray<ClusterServerStatus>>
  /** The current primary's name (it may be stopped). */
  readonly primary: Effect.Effect<string>
  /** One member as a {@link TestServer} (its url, faults, stats, dropConnections); undefined for an unknown name. */
  readonly server: (name: string) => TestServer | undefined
  /**
   * Makes a secondary the primary (failover or switchover). The old primary, if running, becomes a secondary; the
   * sessions of both servers are dropped (sockets destroyed, open transactions rolled back) because their login
   * told them the other role. Fails for an unknown name or a stopped server.
   */
  readonly promote: (name: string) => Effect.Effect<void, TestServerError>
  /**
   * Kills a member abruptly: its listener closes and every socket is destroyed, replies in flight cut where they
   * are; open transactions roll back, committed data stays. Its role is kept (a stopped primary stays primary until
   * another server is promoted). Stopping a stopped server does nothing.
   */
  readonly stop: (name: string) => Effect.Effect<void, TestServerError>
  /** Starts a stopped member again on its port, in the role it has. Starting a running server does nothing. */
  readonly start: (name: string) => Effect.Effect<void, TestServerError>
}

const refused = (e: { readonly message: string }) => new TestServerError({ message: e.message })

const DEFAULT_SERVICE_LEVELS: ReadonlyArray<ServiceLevelOptions> = [
  { name: "oltp", route: "primary" },
  { name: "report", route: "secondary" },
  { name: "any", route: "any" }
]

/**
 * Starts a cluster like Informix's shared-disk secondaries (SDS): a primary and secondaries over ONE set of
 * databases (the `directory`, or a throwaway one), each member with its own port and DBSERVERNAME, and a Connection
 * Manager with one listener per service level. A secondary serves the primary's committed rows (a write committed
 * on the primary is seen by a secondary's next statement; the primary's locks never block it) and refuses writes:
 * INSERT / UPDATE / DELETE fail with -271 / -346 / -240 and ISAM -140 ("operation illegal on a DR Secondary"), DDL
 * and CREATE / DROP DATABASE with -26097; temporary tables stay writable. Its logins carry warning 0x20 (JDBC's
 * `isReadOnly()`), its DBOPEN replies 0x20 ("running in secondary mode").
 *
 * The Connection Manager answers every login on an SLA's port, without checking credentials, with a redirect
 * (SL type 13, marker 103, detail `server:host:port`) to a running server of the SLA's route, round robin among
 * several; with none running it refuses the login with -908. Everything stops when the scope closes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const cluster = (options: TestClusterOptions = {}): Effect.Effect<TestCluster, TestServerError, Scope.Scope> =>
  Effect.gen(function*() {
    const resolved = yield* resolve(options)
    const specs = [options.primary ?? "ol_primary", ...(options.secondaries ?? ["ol_sds1"])].map((m) =>
      typeof m === "string" ? { name: m, port: 0 } : { name: m.name, port: m.port ?? 0 }
    )
    const names = specs.map((m) => m.name.toLowerCase())
    const duplicate = specs.find((m, i) => names.indexOf(m.name.toLowerCase()) !== i)
    if (duplicate !== undefined) {
      return yield* new TestServerError({ message: `two cluster members named ${duplicate.name}` })
    }
    const engine = yield* openEngine(options.directory, resolved, specs[0]!.name)
    const running = yield* makeCluster({
      host: resolved.host,
      members: specs.map(({ name, port }) => ({
        name,
        port,
        trace: clusterTrace(options.protocolTrace, name),
        ctx: (secondary) => ({
          config: serverConfig(options, resolved, name),
          engine,
          faults: emptyFaults(),
          replay: new Map(),
          secondary
        })
      }))
    }).pipe(Effect.mapError(refused))
    listSessions(engine, () => running.members.flatMap((m) => m.running === undefined ? [] : [m.running.listening]))
    const levels = yield* startConnectionManager({
      host: resolved.host,
      cluster: running,
      levels: (options.serviceLevels ?? DEFAULT_SERVICE_LEVELS).map((level) => ({
        name: level.name,
        route: level.route,
        port: level.port ?? 0
      })),
      ctx: (serverName, redirect) => ({
        config: serverConfig(options, resolved, serverName),
        engine,
        faults: emptyFaults(),
        replay: new Map(),
        redirect
      })
    }).pipe(Effect.mapError(refused))

    const status = (member: Member): ClusterServerStatus => ({
      name: member.name,
      role: member.role,
      running: member.running !== undefined,
      host: resolved.host,
      port: member.port,
      url: urlFor(resolved, member.port, member.name)
    })
    const views = new Map(
      running.members.map((member) => [
        member.name.toLowerCase(),
        serverView(
          resolved,
          member.name,
          { port: member.port, tlsPort: undefined },
          member.ctx.faults,
          () => member.running?.listening
        )
      ])
    )
    const [user, password] = Object.entries(resolved.users)[0] ?? ["informix", ""]
    return {
      host: resolved.host,
      user,
      password,
      database: resolved.databases[0]?.name ?? "",
      servers: running.members.map(status),
      serviceLevels: levels.map((level) => ({
        name: level.name,
        route: level.route,
        host: resolved.host,
        port: level.port,
        url: urlFor(resolved, level.port, level.name)
      })),
      roles: Effect.sync(() => running.members.map(status)),
      primary: Effect.sync(running.primary),
      server: (name) => views.get(name.toLowerCase()),
      promote: (name) => Effect.mapError(running.promote(name), refused),
      stop: (name) => Effect.mapError(running.stop(name), refused),
      start: (name) => Effect.mapError(running.start(name), refused)
    }
  })

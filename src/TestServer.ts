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
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import type { Inbound } from "./internal/server/clientSession.ts"
import type { PamMode as ServerPamMode, ServerConfig, ServerContext } from "./internal/server/context.ts"
import type { ColumnDescription, Value } from "./internal/server/engine/index.ts"
import { Engine } from "./internal/server/engine/index.ts"
import type { Corruption, InjectedError } from "./internal/server/faults.ts"
import { emptyFaults } from "./internal/server/faults.ts"
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
   * DATABASE` others, and read the read-only `sysmaster` (sysdatabases, sysdbslocale, syssessions); `sysutils`,
   * `sysuser` and `sysadmin` exist too. Tables of other databases are named `db:table` (docs/sql-subset.md).
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

/**
 * Starts a server; it stops (closing every session, rolling back open transactions) when the scope closes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: TestServerOptions = {}): Effect.Effect<TestServer, TestServerError, Scope.Scope> =>
  Effect.gen(function*() {
    const host = options.host ?? "127.0.0.1"
    const users = options.users ?? DEFAULT_USERS
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
    const serverName = options.serverName ?? "ol_test"
    const serverVersion = options.serverVersion ?? "15.0.1.0.3"
    const config: ServerConfig = {
      users: new Map(Object.entries(users)),
      pam: new Map(Object.entries(options.pam ?? {})),
      defaultLocale,
      serverName,
      serverVersion,
      grantExtendedFraming: options.grantExtendedFraming ?? false,
      dbOpenReply: options.dbOpenReply ?? "done",
      sqlSleep: options.sqlSleep ?? true
    }
    const engine = yield* Effect.acquireRelease(
      Effect.try({
        try: () =>
          Engine.make({
            directory: options.directory,
            databases,
            serverVersion,
            serverName,
            // The first user created the declared databases: their DBA (a real server's database creator).
            owner: Object.keys(users)[0]
          }),
        catch: (cause) => new TestServerError({ message: `cannot open the databases: ${String(cause)}` })
      }),
      (e) => Effect.sync(() => e.close())
    )
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
    const faults = emptyFaults()
    const initial = options.faults
    if (initial !== undefined) {
      faults.closeAfterBytes = initial.closeAfterBytes
      faults.stallEveryMillis = initial.stallEveryReply === undefined ? undefined : millis(initial.stallEveryReply)
      faults.slow = initial.slowReplies === undefined
        ? undefined
        : { delayMillis: millis(initial.slowReplies.delay), chunkSize: initial.slowReplies.chunkSize }
      faults.splitWrites = initial.splitWrites ?? false
    }
    const ctx: ServerContext = { config, engine, faults, replay }

    const listening = yield* listen(ctx, {
      host,
      port: options.port ?? 0,
      tls: options.tls === undefined
        ? undefined
        : { key: options.tls.key, cert: options.tls.cert, port: options.tls.port ?? 0 },
      trace: traceFunction(options.protocolTrace)
    }).pipe(Effect.mapError((e) => new TestServerError({ message: e.message })))
    // sysmaster:syssessions lists the live sessions, logged in with or without a database.
    engine.setSessionSource(() =>
      Array.from(listening.sessions).filter((session) => session.phase !== "closed" && session.user !== undefined)
        .map((session) => ({
          sid: session.id,
          username: session.user ?? "",
          pid: session.client.pid,
          hostname: session.client.hostname,
          connected: session.client.connected,
          feprogram: session.client.program
        }))
    )

    const [user, password] = Object.entries(users)[0] ?? ["informix", ""]
    const database = databases[0]?.name ?? ""
    const urlFor = (port: number, extra: string) =>
      `informix://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}/${
        encodeURIComponent(database)
      }?server=${encodeURIComponent(serverName)}${extra}`

    const server: TestServer = {
      host,
      port: listening.port,
      tlsPort: listening.tlsPort,
      serverName,
      url: urlFor(listening.port, ""),
      tlsUrl: listening.tlsPort === undefined ? undefined : urlFor(listening.tlsPort, "&tls=true"),
      user,
      password,
      database,
      stallSql: sleepSql(30),
      faults: {
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
      },
      stats: Effect.sync(() => {
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
      }),
      dropConnections: Effect.sync(() => listening.dropAll())
    }
    return server
  })

const toColumn = (column: ReplayColumn): ColumnDescription => ({
  name: column.name,
  columnType: column.columnType,
  encodedLength: column.encodedLength,
  extendedId: column.extendedId ?? 0,
  extendedName: column.extendedName ?? ""
})

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

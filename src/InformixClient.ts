/**
 * The `effect/sql` driver for Informix: an `InformixClient` that is also the `SqlClient`, backed by a `Pool` of
 * sessions.
 *
 * ```ts
 * const program = Effect.gen(function*() {
 *   const sql = yield* SqlClient.SqlClient
 *   const rows = yield* sql<{ id: number }>`SELECT id FROM customer WHERE name = ${"Ann"}`
 * }).pipe(Effect.provide(InformixClient.layer({ url: "informix://informix:pw@localhost:9088/stores" })))
 * ```
 *
 * What is Informix-specific:
 *
 * - statements compile to `?` placeholders; identifiers are quoted only when the session has DELIMIDENT (option
 *   `delimident`), because without it Informix reads `"x"` as a string literal (see `makeCompiler`);
 * - `sql.insert` takes one row (Informix has no multi-row VALUES) and no helper supports RETURNING: read
 *   generated SERIALs from `statement.raw` (`{ rowsAffected, serial, serial8, bigserial }`; for a SELECT the rows are
 *   fetched and discarded and `rowsAffected` counts them);
 * - `sql.withTransaction` runs BEGIN WORK / COMMIT WORK / ROLLBACK WORK on one pinned session (no BEGIN WORK in an
 *   ANSI database, whose server opens the transaction itself), and nested transactions use `SAVEPOINT`,
 *   `ROLLBACK WORK TO SAVEPOINT` and `RELEASE SAVEPOINT`;
 * - `statement.stream` reads from a server cursor, one fetch per pull; ending the stream early closes the cursor;
 * - high availability: a server group or a Connection Manager in the configuration (see `Connection.make`), a second
 *   client for reads on secondaries (`ReadOnly`, `layerReadOnly`), and an opt-in retry for reads (`retryReads`);
 * - errors are `effect/sql` `SqlError`s with the matching reason (`UniqueViolation` with the constraint or index
 *   name, `LockTimeoutError`, `DeadlockError`, `SqlSyntaxError`, …) and the Informix error as `cause`;
 * - every statement gets effect/sql's span, also when no tracing backend is installed (then effect's in-memory
 *   tracer keeps it for nobody): an application without tracing can drop it with `References.TracerEnabled` set to
 *   `false`, about 1 µs and 1.5 KB per pooled query (docs/benchmarks.md, round 5).
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Reactivity from "effect/reactivity/Reactivity"
import type * as Schedule from "effect/Schedule"
import * as Scope from "effect/Scope"
import * as Semaphore from "effect/Semaphore"
import * as SqlClient from "effect/sql/SqlClient"
import type * as SqlConnection from "effect/sql/SqlConnection"
import type { SqlError } from "effect/sql/SqlError"
import * as SqlErrors from "effect/sql/SqlError"
import * as Statement from "effect/sql/Statement"
import * as Connection from "./Connection.ts"
import { type InformixError, isInformixError } from "./InformixError.ts"
import * as Compiler from "./internal/client/compiler.ts"
import { BEGIN_TRANSACTION, type InformixSqlConnection, toSqlConnection } from "./internal/client/sqlConnection.ts"
import { toSqlError } from "./internal/client/sqlErrorMapping.ts"
import { withStatements } from "./internal/client/statements.ts"
import { fromEnv, redactConfig, resolveConfig } from "./internal/config/resolve.ts"
import * as Pool from "./Pool.ts"

/**
 * @since 0.1.0
 * @category type IDs
 */
export const TypeId: TypeId = "~effect-informix/InformixClient"

/**
 * @since 0.1.0
 * @category type IDs
 */
export type TypeId = "~effect-informix/InformixClient"

/**
 * Settings of one session (`Connection.Options`: host, port, server, database, user, password or `url`, locales,
 * TLS, timeouts, statement cache …) plus the client's own: name transforms, DELIMIDENT, span attributes.
 *
 * @since 0.1.0
 * @category models
 */
export interface InformixClientConfig extends Connection.Options {
  /** Extra attributes on every statement span. */
  readonly spanAttributes?: Record<string, unknown> | undefined
  /** Rename result columns (e.g. snake_case → camelCase). */
  readonly transformResultNames?: ((name: string) => string) | undefined
  /** Rename identifiers written with `sql("name")` (e.g. camelCase → snake_case). */
  readonly transformQueryNames?: ((name: string) => string) | undefined
  /**
   * Set when the session runs with DELIMIDENT (`DELIMIDENT=y` in the server/session environment). Then identifiers
   * that are not plain lowercase are double-quoted (and case-sensitive); without it they are written bare, and
   * names that cannot be written bare are rejected. Default false.
   */
  readonly delimident?: boolean | undefined
}

/**
 * `InformixClientConfig` plus the pool's sizing and lifetime settings.
 *
 * @since 0.1.0
 * @category models
 */
export interface InformixPoolConfig extends InformixClientConfig, Pool.PoolOptions {}

/**
 * The Informix `SqlClient`: everything `SqlClient` offers plus `cast` and access to the pool.
 *
 * @since 0.1.0
 * @category models
 */
export interface InformixClient extends SqlClient.SqlClient {
  readonly [TypeId]: TypeId
  /** The configuration the client was made from (the password and the `url`, which carries it, stay `Redacted`). */
  readonly config: InformixClientConfig
  /** The pool behind the client (`undefined` for `makeClient`, which uses one session). */
  readonly pool: Pool.Pool | undefined
  /**
   * A bound value with an Informix cast, rendered `?::TYPE` — for places where the server cannot infer a
   * parameter's type (select lists, CASE), or to fix DECIMAL / DATETIME precision:
   * `` sql`SELECT ${sql.cast("1.10", "DECIMAL(10,2)")} AS d FROM systables WHERE tabid = 1` ``.
   */
  readonly cast: (value: unknown, type: string) => Statement.Fragment
}

/**
 * Service tag of the client. The layers provide the same value under `SqlClient.SqlClient` too.
 *
 * @since 0.1.0
 * @category services
 */
export const InformixClient: Context.Service<InformixClient, InformixClient> = Context.Service<InformixClient>(
  "effect-informix/InformixClient"
)

/**
 * Service tag of a second client for read-only work (reports, dashboards) sent to the cluster's secondaries, next
 * to the `SqlClient` that goes to the primary. Provide it with `layerReadOnly`; pick it where a read may run on a
 * secondary (whose data can lag the primary's by the replication delay):
 *
 * ```ts
 * const report = Effect.gen(function*() {
 *   const reads = yield* InformixClient.ReadOnly
 *   return yield* reads`SELECT COUNT(*) AS n FROM orders`
 * })
 * ```
 *
 * It is an ordinary client: a write through it fails with the secondary's error, unless its configuration lets it
 * land on a primary (e.g. a group that lists the primary last as a fallback for reads).
 *
 * @since 0.1.0
 * @category services
 */
export class ReadOnly extends Context.Service<ReadOnly, InformixClient>()("effect-informix/InformixClient/ReadOnly") {}

/**
 * Whether a failure means the session or its server went away — what a failover looks like to a statement: the
 * driver's `ConnectionError` (but not TLS or DNS failures, which repeat), `ProtocolError` and `PoolTimeoutError`, or
 * an effect/sql `SqlError` whose reason carries one of them.
 *
 * @since 0.1.0
 * @category errors
 */
export const isConnectionLoss = (error: unknown): boolean => {
  if (SqlErrors.isSqlError(error)) return isConnectionLoss(error.reason.cause)
  if (!isInformixError(error)) return false
  switch (error._tag) {
    case "ConnectionError":
      return error.isRetryable
    case "ProtocolError":
    case "PoolTimeoutError":
      return true
    default:
      return false
  }
}

/**
 * Retries `self` while it fails with a connection loss (`isConnectionLoss`), following `schedule`; any other failure
 * ends it at once. Opt-in and only for work that is safe to run twice: a read, or a transaction whose every effect
 * is undone by its rollback. The driver itself never retries a statement: a write whose session died may or may not
 * have been committed, and only the application can tell. With a pool, each retry runs on another session, opened
 * through the server group or the Connection Manager (so on the new primary after a failover).
 *
 * ```ts
 * const orders = sql`SELECT * FROM orders WHERE customer = ${id}`.pipe(
 *   InformixClient.retryReads(Schedule.max([Schedule.exponential("100 millis"), Schedule.recurs(5)]))
 * )
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const retryReads =
  <O, SE, SR>(schedule: Schedule.Schedule<O, unknown, SE, SR>) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E | SE, R | SR> =>
    Effect.retry(self, { schedule, while: isConnectionLoss })

/**
 * The Statement compiler for Informix (`?` placeholders, DELIMIDENT-aware identifiers, single-row inserts, no
 * RETURNING). It reports effect's `"sqlite"` dialect, the closest of effect's closed `Dialect` union: code that
 * branches with `sql.onDialect` takes its sqlite branch.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeCompiler = (options?: {
  readonly transformQueryNames?: ((name: string) => string) | undefined
  readonly delimident?: boolean | undefined
}): Statement.Compiler => Compiler.makeCompiler(options)

const sessionOf = (connection: SqlConnection.Connection): Connection.Connection =>
  (connection as InformixSqlConnection).informix

/**
 * Builds the client from acquirers of sessions. `make` (pool) and `makeClient` (one session) are built on it.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeWith = Effect.fnUntraced(function*(options: {
  /** Leases a session for a statement or stream, until the scope closes. */
  readonly acquirer: Effect.Effect<Connection.Connection, SqlError, Scope.Scope>
  /** Leases a session for a whole transaction (or `sql.reserve`). */
  readonly transactionAcquirer: Effect.Effect<Connection.Connection, SqlError, Scope.Scope>
  /** Lends a session for one statement without a scope (the fast path). */
  readonly borrower?:
    | (<A, E, R>(f: (connection: Connection.Connection) => Effect.Effect<A, E, R>) => Effect.Effect<A, E | SqlError, R>)
    | undefined
  readonly config: InformixClientConfig
  readonly pool?: Pool.Pool | undefined
  readonly host: string
  readonly port: number
  readonly database: string | undefined
}): Effect.fn.Return<InformixClient, never, Reactivity.Reactivity> {
  // Kept and shown with its URL (which carries the password) Redacted.
  const config = redactConfig(options.config)
  const compiler = Compiler.makeCompiler({
    transformQueryNames: config.transformQueryNames,
    delimident: config.delimident
  })
  const transformRows = config.transformResultNames === undefined
    ? undefined
    : Statement.defaultTransforms(config.transformResultNames).array
  const borrower = options.borrower
  const acquirer = Effect.map(options.acquirer, toSqlConnection)
  const sqlBorrower: SqlConnection.Borrower | undefined = borrower === undefined
    ? undefined
    : (f) => borrower((connection) => f(toSqlConnection(connection)))
  const spanAttributes: ReadonlyArray<readonly [string, unknown]> = [
    ...(config.spanAttributes === undefined ? [] : Object.entries(config.spanAttributes)),
    ["db.system.name", "informix"],
    ...(options.database === undefined ? [] : [["db.namespace", options.database] as const]),
    ["server.address", options.host],
    ["server.port", options.port]
  ]
  const sqlClient = yield* SqlClient.make({
    acquirer,
    transactionAcquirer: Effect.map(options.transactionAcquirer, toSqlConnection),
    borrower: sqlBorrower,
    compiler,
    driver: "informix",
    spanAttributes,
    transformRows,
    beginTransaction: BEGIN_TRANSACTION,
    commit: "COMMIT WORK",
    rollback: "ROLLBACK WORK",
    savepoint: (name) => `SAVEPOINT ${name}`,
    rollbackSavepoint: (name) => `ROLLBACK WORK TO SAVEPOINT ${name}`,
    releaseSavepoint: (name) => `RELEASE SAVEPOINT ${name}`,
    // The session tracks BEGIN/COMMIT/ROLLBACK itself, so a rollback is skipped when the server already ended the
    // transaction (e.g. after a deadlock rolled it back) instead of failing with -255 "not in transaction". A dead
    // session has no transaction left either (the server rolls back when the session ends); a ROLLBACK sent to it
    // would only fail, and effect/sql turns a failed rollback into a defect.
    isTransaction: (connection) => {
      const session = sessionOf(connection)
      return session.inTransaction && session.state !== "dead"
    }
  })
  // The same statements over a cheaper transaction lookup (statements.ts).
  const client = withStatements(sqlClient, {
    transactionService: sqlClient.transactionService,
    acquirer,
    borrower: sqlBorrower,
    spanAttributes,
    compiler,
    transformRows
  })
  return Object.assign(client, {
    [TypeId]: TypeId,
    config,
    pool: options.pool,
    cast: (value: unknown, type: string) => Statement.fragment([Compiler.informixCast(value, type, undefined)])
  }) as InformixClient
})

/**
 * Where the client's spans say it connects to, and an early check of the configuration (so a bad URL fails when the
 * layer is built, not at the first statement). The password is left out: it is only read when connecting.
 */
const describeTarget = (config: InformixClientConfig) =>
  Effect.mapError(
    resolveConfig({ ...config, password: undefined }),
    (error) => toSqlError(error, "connect")
  )

/**
 * A client over a pool of sessions. The first session is opened (and the login checked) before it returns, so a
 * layer built from it fails fast on wrong credentials or an unreachable server.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = Effect.fnUntraced(function*(
  config: InformixPoolConfig
): Effect.fn.Return<InformixClient, SqlError, Scope.Scope | Reactivity.Reactivity> {
  const target = yield* describeTarget(config)
  const pool = yield* Effect.mapError(Pool.make(config), (error) => toSqlError(error, "connect"))
  yield* Effect.mapError(pool.use(() => Effect.void), (error) => toSqlError(error, "connect"))
  return yield* fromPool(pool, config, target)
})

const leaseError = (error: InformixError) => toSqlError(error, "acquireConnection")
const mapLeaseError = <E>(error: E | InformixError): E | SqlError => isInformixError(error) ? leaseError(error) : error

/**
 * A client over an existing pool.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromPool = (
  pool: Pool.Pool,
  config: InformixClientConfig,
  target?: { readonly host: string; readonly port: number; readonly database: string | undefined }
): Effect.Effect<InformixClient, SqlError, Reactivity.Reactivity> =>
  Effect.flatMap(
    target === undefined ? describeTarget(config) : Effect.succeed(target),
    (target) => {
      return makeWith({
        acquirer: Effect.mapError(pool.get, leaseError),
        transactionAcquirer: Effect.mapError(pool.reserve, leaseError),
        // The statement's own failures are already SqlErrors; only the pool's (timeout, connect), which are
        // InformixErrors, are converted — in one step, not by carrying the statement's outcome through a Result.
        borrower: (f) => Effect.mapError(pool.use(f), mapLeaseError),
        config,
        pool,
        host: target.host,
        port: target.port,
        database: target.database
      })
    }
  )

/**
 * A client over one session (no pool): statements from several fibers are serialised, and a transaction holds the
 * session until it ends. For scripts, migrations and tests.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeClient = Effect.fnUntraced(function*(
  config: InformixClientConfig
): Effect.fn.Return<InformixClient, SqlError, Scope.Scope | Reactivity.Reactivity> {
  const target = yield* describeTarget(config)
  const connection = yield* Effect.mapError(Connection.make(config), (error) => toSqlError(error, "connect"))
  // One permit: a transaction (or stream) holds it for its scope, a statement for its own duration.
  const permit = Semaphore.makeUnsafe(1)
  const leased = Effect.uninterruptibleMask((restore) =>
    Effect.flatMap(Effect.scope, (scope) =>
      Effect.as(
        Effect.tap(restore(permit.take(1)), () => Scope.addFinalizer(scope, permit.release(1))),
        connection
      ))
  )
  return yield* makeWith({
    acquirer: leased,
    transactionAcquirer: leased,
    borrower: (f) => permit.withPermit(f(connection)),
    config,
    pool: undefined,
    host: target.host,
    port: target.port,
    database: target.database
  })
})

/**
 * A layer providing both `InformixClient` and `SqlClient.SqlClient` (the same value) from any way of making the
 * client.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerFrom = <E, R>(
  acquire: Effect.Effect<InformixClient, E, R>
): Layer.Layer<InformixClient | SqlClient.SqlClient, E, Exclude<R, Scope.Scope | Reactivity.Reactivity>> =>
  Layer.effectContext(
    Effect.map(acquire, (client) => Context.make(InformixClient, client).pipe(Context.add(SqlClient.SqlClient, client)))
  ).pipe(Layer.provide(Reactivity.layer)) as Layer.Layer<
    InformixClient | SqlClient.SqlClient,
    E,
    Exclude<R, Scope.Scope | Reactivity.Reactivity>
  >

/**
 * A pooled client layer from a configuration object.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (config: InformixPoolConfig): Layer.Layer<InformixClient | SqlClient.SqlClient, SqlError> =>
  layerFrom(make(config))

/**
 * A pooled client layer from effect `Config` (a `Config` of the whole object, or a record of per-field configs).
 * Without an argument it reads the environment: `INFORMIX_URL`, `INFORMIX_HOST`, `INFORMIX_PORT`, `INFORMIXSERVER`,
 * `INFORMIX_DATABASE`, `INFORMIX_USER`, `INFORMIX_PASSWORD`, `CLIENT_LOCALE`, `DB_LOCALE`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  config: Config.Wrap<InformixPoolConfig> = fromEnv
): Layer.Layer<InformixClient | SqlClient.SqlClient, Config.ConfigError | SqlError> =>
  layerFrom(Effect.flatMap(Config.unwrap(config), make))

/**
 * A pooled client layer providing `ReadOnly` (and not `SqlClient`, so it never shadows the primary's client): point
 * its configuration at the secondaries — a Connection Manager service level for them (`server: "report"`), or a
 * group of secondaries with `targetServerType: "secondary"`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerReadOnly = (config: InformixPoolConfig): Layer.Layer<ReadOnly, SqlError> =>
  Layer.effect(ReadOnly, make(config)).pipe(Layer.provide(Reactivity.layer))

/**
 * Schema migrations for Informix.
 *
 * effect's `Migrator.make` writes its bookkeeping SQL per dialect (`CREATE TABLE IF NOT EXISTS … DEFAULT
 * current_timestamp`, a multi-row `INSERT`), none of which is Informix SQL, so this module runs its own loop with
 * the same contract: the same loaders (`fromRecord`, `fromGlob`, `fromBabelGlob`, re-exported here;
 * `effect/sql/MigratorFileSystem`'s `fromFileSystem` works too), the same `MigratorOptions`, the same result (the
 * migrations it ran) and the same `MigrationError`.
 *
 * The run:
 *
 * 1. create the migrations table when it is missing (`systables` lookup; a concurrent creator's -310 "already
 *    exists" is ignored):
 *    `migration_id INTEGER PRIMARY KEY, created_at DATETIME YEAR TO SECOND DEFAULT CURRENT YEAR TO SECOND,
 *    name VARCHAR(255)`;
 * 2. in one transaction: read the latest recorded id, load the newer migrations, record them first (one INSERT
 *    per row: Informix has no multi-row VALUES), then run them in id order;
 * 3. commit. A migration that fails rolls back everything of this run, its own DDL included (Informix DDL is
 *    transactional in a logged database).
 *
 * Locking is the transaction itself: the rows recorded in step 2 are locked until commit, so a second runner that
 * tries to record the same ids fails on the unique key or on the lock. That is reported as "Locked" (logged, and
 * the run returns no migrations), like effect's Migrator does. The database must be logged (transactions).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Migrator from "effect/sql/Migrator"
import * as SqlClient from "effect/sql/SqlClient"
import * as Sql from "effect/sql/SqlError"
import type { SqlError } from "effect/sql/SqlError"

/**
 * @since 0.1.0
 * @category models
 */
export type MigratorOptions<R = never> = Migrator.MigratorOptions<R>

/**
 * @since 0.1.0
 * @category models
 */
export type Loader<R = never> = Migrator.Loader<R>

/**
 * @since 0.1.0
 * @category models
 */
export type ResolvedMigration = Migrator.ResolvedMigration

/**
 * @since 0.1.0
 * @category models
 */
export type Migration = Migrator.Migration

/**
 * effect's migration error (kinds "BadState", "ImportError", "Failed", "Duplicates", "Locked").
 *
 * @since 0.1.0
 * @category errors
 */
export const MigrationError: typeof Migrator.MigrationError = Migrator.MigrationError

/**
 * @since 0.1.0
 * @category errors
 */
export type MigrationError = Migrator.MigrationError

/**
 * Loader from `import.meta.glob`-style records (`{ "./migrations/0001_init.ts": () => import(...) }`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromGlob: typeof Migrator.fromGlob = Migrator.fromGlob

/**
 * Loader from babel-plugin-glob records.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromBabelGlob: typeof Migrator.fromBabelGlob = Migrator.fromBabelGlob

/**
 * Loader from a record of `"<id>_<name>": Effect` entries.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromRecord: typeof Migrator.fromRecord = Migrator.fromRecord

/** Informix stores names it did not see quoted in lowercase; `systables.tabname` is compared against that. */
const catalogName = (table: string): string => /^[A-Za-z_][A-Za-z0-9_$]*$/.test(table) ? table.toLowerCase() : table

const ensureTable = (sql: SqlClient.SqlClient, table: string) =>
  Effect.gen(function*() {
    const exists = (yield* sql`SELECT tabid FROM systables WHERE tabname = ${catalogName(table)}`.withoutTransform)
      .length > 0
    if (exists) return
    yield* sql`CREATE TABLE ${sql(table)} (
  migration_id INTEGER NOT NULL PRIMARY KEY,
  created_at DATETIME YEAR TO SECOND DEFAULT CURRENT YEAR TO SECOND NOT NULL,
  name VARCHAR(255) NOT NULL
)`.withoutTransform.pipe(
      // Another runner created it between the lookup and the CREATE: -310 "table already exists".
      Effect.catchIf(
        (error) => hasSqlcode(error, -310),
        () => Effect.void
      )
    )
  })

const hasSqlcode = (error: SqlError, sqlcode: number): boolean => {
  const cause = error.reason.cause
  return typeof cause === "object" && cause !== null && "sqlcode" in cause && cause.sqlcode === sqlcode
}

const latestId = (sql: SqlClient.SqlClient, table: string) =>
  Effect.map(
    sql<{ readonly latest: number | null }>`SELECT MAX(migration_id) AS latest FROM ${sql(table)}`.withoutTransform,
    (rows) => rows[0]?.latest ?? 0
  )

const loadMigration = ([id, name, load]: ResolvedMigration) =>
  Effect.catchDefect(load, (defect) =>
    Effect.fail(
      new Migrator.MigrationError({
        kind: "ImportError",
        message: `Could not import migration "${id}_${name}"\n\n${defect}`
      })
    )).pipe(
      Effect.flatMap((loaded): Effect.Effect<Effect.Effect<unknown, unknown, SqlClient.SqlClient>, MigrationError> => {
        if (Effect.isEffect(loaded)) {
          return Effect.succeed(loaded as Effect.Effect<unknown, unknown, SqlClient.SqlClient>)
        }
        const exported = loaded?.default?.default ?? loaded?.default
        return Effect.isEffect(exported)
          ? Effect.succeed(exported as Effect.Effect<unknown, unknown, SqlClient.SqlClient>)
          : Effect.fail(
            new Migrator.MigrationError({
              kind: "ImportError",
              message: exported === undefined
                ? `Default export not found for migration "${id}_${name}"`
                : `Default export was not an Effect for migration "${id}_${name}"`
            })
          )
      })
    )

const isLockConflict = (error: SqlError): boolean =>
  error.reason instanceof Sql.UniqueViolation || error.reason instanceof Sql.ConstraintError ||
  error.reason instanceof Sql.LockTimeoutError

const locked = () => new Migrator.MigrationError({ kind: "Locked", message: "Migrations already running" })

/**
 * Runs the migrations the loader provides that are newer than the latest one recorded. Returns the ones it ran,
 * `[]` when none were pending or another runner holds the lock.
 *
 * @since 0.1.0
 * @category constructors
 */
export const run = <R2 = never>(
  options: MigratorOptions<R2>
): Effect.Effect<
  ReadonlyArray<readonly [id: number, name: string]>,
  MigrationError | SqlError,
  SqlClient.SqlClient | R2
> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const table = options.table ?? "effect_sql_migrations"
    yield* ensureTable(sql, table)

    const migrate = Effect.gen(function*() {
      const [latest, available] = yield* Effect.all([
        // A concurrent runner's uncommitted rows may be locked against this read (lock mode NOT WAIT).
        Effect.mapError(latestId(sql, table), (error): MigrationError | SqlError =>
          error.reason instanceof Sql.LockTimeoutError ? locked() : error),
        options.loader
      ])
      if (
        new Set(available.map(([id]) =>
          id
        )).size !== available.length
      ) {
        return yield* new Migrator.MigrationError({ kind: "Duplicates", message: "Found duplicate migration id's" })
      }
      const pending = available.filter(([id]) => id > latest).toSorted(([a], [b]) => a - b)
      const loaded: Array<readonly [number, string, Effect.Effect<unknown, unknown, SqlClient.SqlClient>]> = []
      for (const migration of pending) {
        loaded.push([migration[0], migration[1], yield* loadMigration(migration)])
      }
      // Recording first takes the row locks that keep a concurrent runner out until this transaction ends.
      for (const [id, name] of loaded) {
        yield* sql`INSERT INTO ${sql(table)} (migration_id, name) VALUES (${id}, ${name})`.withoutTransform.pipe(
          Effect.mapError((error): MigrationError | SqlError => isLockConflict(error) ? locked() : error)
        )
      }
      for (const [id, name, effect] of loaded) {
        yield* Effect.logDebug("Running migration").pipe(
          Effect.andThen(effect),
          Effect.mapError((cause) =>
            new Migrator.MigrationError({ cause, kind: "Failed", message: `Migration "${id}_${name}" failed` })
          ),
          Effect.annotateLogs({ migration_id: String(id), migration_name: name }),
          Effect.withSpan(`InformixMigrator ${id}_${name}`)
        )
      }
      return loaded.map(([id, name]) => [id, name] as const)
    })

    return yield* sql.withTransaction(migrate).pipe(
      Effect.catchTag("MigrationError", (error) =>
        error.kind === "Locked" ? Effect.as(Effect.logDebug(error.message), []) : Effect.fail(error))
    )
  })

/**
 * A layer that runs the migrations when it is built (and fails to build if they fail).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = <R = never>(
  options: MigratorOptions<R>
): Layer.Layer<never, MigrationError | SqlError, SqlClient.SqlClient | R> => Layer.effectDiscard(run(options))

/**
 * InformixClient end to end against the embedded TestServer (real sockets, real SQLI): parameters of several types,
 * raw results, transactions and savepoints, error reasons, cursor streams (server-side cursor freed on early end),
 * SqlSchema / SqlResolver, and the migrator.
 */
import { assert, describe, it } from "@effect/vitest"
import * as BigDecimal from "effect/BigDecimal"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Reactivity from "effect/reactivity/Reactivity"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as SqlClient from "effect/sql/SqlClient"
import * as Sql from "effect/sql/SqlError"
import * as SqlResolver from "effect/sql/SqlResolver"
import * as SqlSchema from "effect/sql/SqlSchema"
import * as Stream from "effect/Stream"
import * as InformixClient from "../src/InformixClient.ts"
import * as InformixMigrator from "../src/InformixMigrator.ts"
import * as Informix from "../src/InformixValue.ts"
import * as TestServer from "../src/TestServer.ts"

const setup = (
  options?: Partial<InformixClient.InformixPoolConfig>,
  serverOptions?: TestServer.TestServerOptions
) =>
  Effect.gen(function*() {
    const server = yield* TestServer.make(serverOptions)
    const sql = yield* InformixClient.make({ url: server.url, maxConnections: 4, ...options }).pipe(
      Effect.provide(Reactivity.layer)
    )
    return { server, sql }
  })

describe("InformixClient (TestServer)", () => {
  it.live("binds parameters of several types and reads them back", () =>
    Effect.gen(function*() {
      const { sql } = yield* setup()
      yield* sql`CREATE TABLE typed (i INTEGER, b INT8, s VARCHAR(40), d DECIMAL(10,2), f FLOAT, dt DATE, n INTEGER)`
      yield* sql`INSERT INTO typed ${
        sql.insert({
          i: 42,
          b: 9007199254740993n,
          s: "héllo",
          d: Informix.decimal("1234.50"),
          f: 0.25,
          dt: new Informix.LocalDate(2026, 11, 25),
          n: null
        })
      }`
      const rows = yield* sql<{
        i: number
        b: bigint
        s: string
        d: BigDecimal.BigDecimal
        f: number
        dt: Informix.LocalDate
        n: number | null
      }>`SELECT i, b, s, d, f, dt, n FROM typed WHERE i = ${42} AND s = ${"héllo"}`
      assert.strictEqual(rows.length, 1)
      const row = rows[0]!
      assert.strictEqual(row.i, 42)
      assert.strictEqual(row.b, 9007199254740993n)
      assert.strictEqual(row.s, "héllo")
      assert.isTrue(BigDecimal.equals(row.d, BigDecimal.fromStringUnsafe("1234.5")))
      assert.strictEqual(row.f, 0.25)
      assert.deepStrictEqual([row.dt.year, row.dt.month, row.dt.day], [2026, 11, 25])
      assert.isNull(row.n)
      const values = yield* sql`SELECT i, s FROM typed`.values
      assert.deepStrictEqual(values, [[42, "héllo"]])
      const inList = yield* sql`SELECT i FROM typed WHERE i IN ${sql.in([1, 42, 99])}`
      assert.deepStrictEqual(inList, [{ i: 42 }])
      const none = yield* sql`SELECT i FROM typed WHERE i IN ${sql.in([])}`
      assert.deepStrictEqual(none, [])
      const notNone = yield* sql`SELECT i FROM typed WHERE i NOT IN ${sql.in([])}`
      assert.deepStrictEqual(notNone, [{ i: 42 }])
      const [cast] = yield* sql<{ d: BigDecimal.BigDecimal }>`SELECT ${sql.cast("1.10", "DECIMAL(10,2)")} AS d
        FROM systables WHERE tabid = 1`
      assert.isTrue(BigDecimal.equals(cast!.d, BigDecimal.fromStringUnsafe("1.1")))
    }))

  it.live("raw results carry rows affected and the generated SERIAL", () =>
    Effect.gen(function*() {
      const { sql } = yield* setup()
      yield* sql`CREATE TABLE serials (id SERIAL PRIMARY KEY, name VARCHAR(20))`
      const first = yield* sql`INSERT INTO serials ${sql.insert({ name: "a" })}`.raw
      const second = yield* sql`INSERT INTO serials ${sql.insert({ name: "b" })}`.raw
      assert.deepInclude(first as object, { rowsAffected: 1 })
      assert.strictEqual((second as { serial: number }).serial, (first as { serial: number }).serial + 1)
      const updated = yield* sql`UPDATE serials SET ${sql.update({ name: "c" })} WHERE id > ${0}`.raw
      assert.deepInclude(updated as object, { rowsAffected: 2 })
    }))

  it.live("withTransaction commits, rolls back, and nests with savepoints", () =>
    Effect.gen(function*() {
      const { server, sql } = yield* setup()
      yield* sql`CREATE TABLE tx (n INTEGER)`
      const count = Effect.map(sql<{ c: number }>`SELECT COUNT(*) AS c FROM tx`, (rows) => Number(rows[0]!.c))
      yield* sql.withTransaction(Effect.all([sql`INSERT INTO tx VALUES (1)`, sql`INSERT INTO tx VALUES (2)`]))
      assert.strictEqual(yield* count, 2)
      const failed = yield* Effect.exit(
        sql.withTransaction(Effect.andThen(sql`INSERT INTO tx VALUES (3)`, Effect.fail("boom" as const)))
      )
      assert.isTrue(Exit.isFailure(failed))
      assert.strictEqual(yield* count, 2)
      yield* sql.withTransaction(Effect.gen(function*() {
        yield* sql`INSERT INTO tx VALUES (4)`
        yield* Effect.ignore(sql.withTransaction(Effect.andThen(sql`INSERT INTO tx VALUES (5)`, Effect.fail("inner"))))
        yield* sql.withTransaction(sql`INSERT INTO tx VALUES (6)`)
      }))
      const rows = yield* sql<{ n: number }>`SELECT n FROM tx ORDER BY n`
      assert.deepStrictEqual(rows.map((row) => row.n), [1, 2, 4, 6])
      assert.strictEqual((yield* server.stats).transactions, 0)
    }))

  it.live("an interrupted transaction is rolled back on the server", () =>
    Effect.gen(function*() {
      const { server, sql } = yield* setup()
      yield* sql`CREATE TABLE tx (n INTEGER)`
      const fiber = yield* Effect.forkChild(
        sql.withTransaction(Effect.andThen(sql`INSERT INTO tx VALUES (1)`, Effect.never))
      )
      const open = yield* Effect.repeat(server.stats, {
        until: (stats) => stats.transactions === 1,
        schedule: Schedule.spaced("5 millis")
      }).pipe(Effect.timeout("10 seconds"))
      assert.strictEqual(open.transactions, 1)
      yield* Fiber.interrupt(fiber)
      assert.strictEqual((yield* server.stats).transactions, 0)
      assert.deepStrictEqual(yield* sql`SELECT n FROM tx`, [])
    }))

  it.live("server errors become SqlError reasons with the Informix error as cause", () =>
    Effect.gen(function*() {
      const { sql } = yield* setup()
      yield* sql`CREATE TABLE uniq (id INTEGER PRIMARY KEY)`
      yield* sql`INSERT INTO uniq VALUES (1)`
      const duplicate = yield* Effect.flip(sql`INSERT INTO uniq VALUES (1)`)
      assert.instanceOf(duplicate.reason, Sql.UniqueViolation)
      const cause = duplicate.reason.cause as { readonly sqlcode: number }
      assert.include([-239, -268], cause.sqlcode)
      const syntax = yield* Effect.flip(sql`SELEC 1 FROM uniq`)
      assert.instanceOf(syntax.reason, Sql.SqlSyntaxError)
      const missing = yield* Effect.flip(sql`SELECT * FROM no_such_table`)
      assert.instanceOf(missing.reason, Sql.SqlSyntaxError)
      assert.strictEqual((missing.reason.cause as { sqlcode: number }).sqlcode, -206)
      // The session that failed is still good.
      assert.deepStrictEqual(yield* sql`SELECT id FROM uniq`, [{ id: 1 }])
    }))

  it.live("streams from a server cursor and frees it when the consumer stops early", () =>
    Effect.gen(function*() {
      const batches: Array<ReadonlyArray<string>> = []
      // Rows of about 1 KB: a fetch carries a few (the budget grows from 4 KB to 64 KB), so 200 rows take many fetches
      // and an early stop leaves the cursor open on the server, for the stream's finalizer to close.
      const { server, sql } = yield* setup({}, {
        protocolTrace: (event) => {
          if (event._tag === "Batch") batches.push(event.messages.map((m) => m._tag))
        }
      })
      yield* sql`CREATE TABLE many (n INTEGER, pad CHAR(1000))`
      yield* sql.withTransaction(
        Effect.forEach(Array.from({ length: 200 }, (_, n) => n), (n) => sql`INSERT INTO many VALUES (${n}, 'x')`, {
          discard: true
        })
      )
      const count = (from: number, tag: string) => batches.slice(from).filter((tags) => tags.includes(tag)).length
      let mark = batches.length
      const all = yield* Stream.runCollect(sql<{ n: number }>`SELECT n, pad FROM many ORDER BY n`.stream)
      assert.strictEqual(all.length, 200)
      const fetchesForAll = count(mark, "NFetch")
      assert.isAbove(fetchesForAll, 5, "the whole result took many fetches")
      // That cursor was read to the end: the server closed it with its last rows (OPTOFC), so no CLOSE of ours.
      assert.strictEqual((yield* server.stats).cursors, 0)
      assert.strictEqual(count(mark, "Close"), 0)
      mark = batches.length
      const firstFive = yield* Stream.runCollect(
        Stream.take(sql<{ n: number }>`SELECT n, pad FROM many ORDER BY n`.stream, 5)
      )
      assert.deepStrictEqual(firstFive.map((row) => row.n), [0, 1, 2, 3, 4])
      assert.isBelow(count(mark, "NFetch"), fetchesForAll - 2, "stopped early, the cursor still open")
      assert.strictEqual(count(mark, "Close"), 1, "the stream's finalizer sent CLOSE")
      const stats = yield* server.stats
      assert.strictEqual(stats.cursors, 0)
      assert.strictEqual((yield* sql.pool!.stats).inUse, 0)
    }))

  it.live("works with SqlSchema and SqlResolver", () =>
    Effect.gen(function*() {
      const { sql } = yield* setup()
      yield* sql`CREATE TABLE person (id INTEGER PRIMARY KEY, name VARCHAR(40))`
      const Person = Schema.Struct({ id: Schema.Number, name: Schema.String })
      const insert = SqlSchema.void({
        Request: Person,
        execute: (person) => sql`INSERT INTO person ${sql.insert(person)}`
      })
      yield* Effect.forEach([{ id: 1, name: "Ann" }, { id: 2, name: "Bob" }, { id: 3, name: "Cy" }], insert)
      const byName = SqlSchema.findOne({
        Request: Schema.String,
        Result: Person,
        execute: (name) => sql`SELECT id, name FROM person WHERE name = ${name}`
      })
      assert.deepStrictEqual(yield* byName("Bob"), { id: 2, name: "Bob" })
      const resolver = SqlResolver.findById({
        Id: Schema.Number,
        Result: Person,
        ResultId: (person) => person.id,
        execute: (ids) => sql`SELECT id, name FROM person WHERE ${sql.in("id", ids)}`
      })
      const people = yield* Effect.forEach([3, 1], (id) => SqlResolver.request(id, resolver), {
        concurrency: "unbounded"
      })
      assert.deepStrictEqual(people.map((person) => person.name), ["Cy", "Ann"])
    }))

  it.live("the migrator creates its table, runs pending migrations once, and is idempotent", () =>
    Effect.gen(function*() {
      const { sql } = yield* setup()
      const loader = InformixMigrator.fromRecord({
        "1_create_items": Effect.asVoid(sql`CREATE TABLE items (id INTEGER PRIMARY KEY, label VARCHAR(20))`),
        "2_seed_items": Effect.asVoid(sql`INSERT INTO items VALUES (1, 'first')`)
      })
      const first = yield* InformixMigrator.run({ loader }).pipe(Effect.provideService(SqlClient.SqlClient, sql))
      assert.deepStrictEqual(first, [[1, "create_items"], [2, "seed_items"]])
      const second = yield* InformixMigrator.run({ loader }).pipe(Effect.provideService(SqlClient.SqlClient, sql))
      assert.deepStrictEqual(second, [])
      const recorded = yield* sql<{ migration_id: number; name: string }>`
        SELECT migration_id, name FROM effect_sql_migrations ORDER BY migration_id`
      assert.deepStrictEqual(recorded.map((row) => [row.migration_id, row.name]), [[1, "create_items"], [
        2,
        "seed_items"
      ]])
      assert.deepStrictEqual(yield* sql`SELECT label FROM items`, [{ label: "first" }])
    }))

  it.live("makeClient serialises fibers on one session and keeps other fibers out of a transaction", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const sql = yield* InformixClient.makeClient({ url: server.url }).pipe(Effect.provide(Reactivity.layer))
      assert.isUndefined(sql.pool)
      yield* sql`CREATE TABLE single (n INTEGER)`
      const inTransaction = yield* Effect.forkChild(Effect.exit(sql.withTransaction(Effect.gen(function*() {
        yield* sql`INSERT INTO single VALUES (1)`
        yield* Effect.sleep("100 millis")
        return yield* Effect.fail("rollback" as const)
      }))))
      yield* Effect.repeat(server.stats, {
        until: (stats) => stats.transactions === 1,
        schedule: Schedule.spaced("2 millis")
      }).pipe(Effect.timeout("10 seconds"))
      // Issued while the transaction holds the session: it must wait, not become part of the transaction.
      yield* sql`INSERT INTO single VALUES (2)`
      assert.isTrue(Exit.isFailure(yield* Fiber.join(inTransaction)))
      assert.deepStrictEqual(yield* sql`SELECT n FROM single`, [{ n: 2 }])
      assert.strictEqual((yield* server.stats).totalSessions, 1)
    }))

  it.live("layerConfig reads the configuration through effect Config", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const layer = InformixClient.layerConfig({
        url: Config.String("INFORMIX_URL"),
        maxConnections: Config.Int("POOL_MAX")
      }).pipe(
        Layer.provide(ConfigProvider.layer(ConfigProvider.fromUnknown({ INFORMIX_URL: server.url, POOL_MAX: "3" })))
      )
      const [informix, rows] = yield* Effect.all([
        InformixClient.InformixClient,
        Effect.flatMap(SqlClient.SqlClient, (sql) => sql`SELECT tabid FROM systables WHERE tabid = ${1}`)
      ]).pipe(Effect.provide(layer))
      assert.deepStrictEqual(rows, [{ tabid: 1 }])
      assert.strictEqual(informix.pool?.options.maxConnections, 3)
    }))

  it.live("layerConfig without arguments reads the INFORMIX_* environment names", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const environment = {
        INFORMIX_HOST: server.host,
        INFORMIX_PORT: String(server.port),
        INFORMIXSERVER: server.serverName,
        INFORMIX_DATABASE: server.database,
        INFORMIX_USER: server.user,
        INFORMIX_PASSWORD: server.password
      }
      const rows = yield* Effect.flatMap(SqlClient.SqlClient, (sql) => sql`SELECT tabid FROM systables WHERE tabid = 1`)
        .pipe(
          Effect.provide(
            InformixClient.layerConfig().pipe(
              Layer.provide(ConfigProvider.layer(ConfigProvider.fromEnv({ env: environment })))
            )
          )
        )
      assert.deepStrictEqual(rows, [{ tabid: 1 }])
    }))

  it.live("a layer fails to build with the server's reason when the login is refused", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const error = yield* Effect.flip(
        Effect.provide(
          Effect.asVoid(SqlClient.SqlClient),
          InformixClient.layer({ url: server.url, password: Redacted.make("s3cr3t-Pw") })
        )
      )
      assert.instanceOf(error.reason, Sql.AuthenticationError)
      assert.notInclude(JSON.stringify(error) + error.message, "s3cr3t-Pw")
    }))

  it.live("two migrators racing: one runs the migrations, the other backs off", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const first = yield* InformixClient.make({ url: server.url }).pipe(Effect.provide(Reactivity.layer))
      const second = yield* InformixClient.make({ url: server.url }).pipe(Effect.provide(Reactivity.layer))
      // DML only: an uncommitted CREATE TABLE in one session makes SQLite (the TestServer's storage) refuse every
      // other session's statements with "schema is locked", which is not what this test is about.
      yield* first`CREATE TABLE raced (id INTEGER)`
      let runs = 0
      const loader = InformixMigrator.fromRecord({
        "1_slow": Effect.gen(function*() {
          const sql = yield* SqlClient.SqlClient
          runs++
          yield* sql`INSERT INTO raced VALUES (1)`
          yield* Effect.sleep("200 millis")
        })
      })
      const results = yield* Effect.all([
        InformixMigrator.run({ loader }).pipe(Effect.provideService(SqlClient.SqlClient, first)),
        Effect.andThen(
          Effect.sleep("50 millis"),
          InformixMigrator.run({ loader }).pipe(Effect.provideService(SqlClient.SqlClient, second))
        )
      ], { concurrency: "unbounded" })
      // Whichever got there first ran the migration; the other backed off.
      assert.sameDeepMembers(results.map((ran) => ran.map(([id, name]) => [id, name])), [[[1, "slow"]], []])
      assert.strictEqual(runs, 1)
      assert.deepStrictEqual(yield* first`SELECT migration_id FROM effect_sql_migrations`, [{ migration_id: 1 }])
      assert.deepStrictEqual(yield* first`SELECT id FROM raced`, [{ id: 1 }])
    }))

  it.live("interrupting a stream's consumer closes the server cursor", () =>
    Effect.gen(function*() {
      const { server, sql } = yield* setup()
      yield* sql`CREATE TABLE slow (n INTEGER, pad VARCHAR(200))`
      const pad = "x".repeat(200)
      yield* sql.withTransaction(
        Effect.forEach(Array.from({ length: 200 }, (_, n) => n), (n) => sql`INSERT INTO slow VALUES (${n}, ${pad})`, {
          discard: true
        })
      )
      let consumed = 0
      const consumer = yield* Effect.forkChild(
        sql`SELECT n, pad FROM slow`.stream.pipe(
          Stream.tap(() => Effect.andThen(Effect.sleep("5 millis"), Effect.sync(() => consumed++))),
          Stream.runDrain
        )
      )
      // Wait until the consumer is inside the result (under load, opening the cursor can take a while).
      yield* Effect.repeat(Effect.sync(() => consumed), {
        until: (n) => n >= 3,
        schedule: Schedule.spaced("5 millis")
      }).pipe(Effect.timeout("10 seconds"))
      // 200 rows of ~200 bytes do not fit one fetch buffer (4 KiB): the cursor is still open mid-stream.
      assert.strictEqual((yield* server.stats).cursors, 1)
      yield* Fiber.interrupt(consumer)
      assert.isBelow(consumed, 200)
      assert.strictEqual((yield* server.stats).cursors, 0)
      assert.strictEqual((yield* sql.pool!.stats).inUse, 0)
    }))

  it.live("a failing migration rolls back its whole run", () =>
    Effect.gen(function*() {
      const { sql } = yield* setup()
      const loader = InformixMigrator.fromRecord({
        "1_create": Effect.asVoid(sql`CREATE TABLE things (id INTEGER)`),
        "2_broken": Effect.asVoid(sql`INSERT INTO no_such_table VALUES (1)`)
      })
      const error = yield* Effect.flip(
        InformixMigrator.run({ loader }).pipe(Effect.provideService(SqlClient.SqlClient, sql))
      )
      assert.instanceOf(error, InformixMigrator.MigrationError)
      assert.deepStrictEqual(yield* sql`SELECT migration_id FROM effect_sql_migrations`, [])
    }))
})

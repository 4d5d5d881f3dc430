/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the event union */
/**
 * IBM JDBC's CDC engine (com.informix.jdbc.stream.cdc.CDCEngine, JDBC-PAM-TRIGGERS-CDC.md §3) reading the TestServer's
 * change records gets the same changes as `InformixChanges.cdc`: the same record types in the same order, the same
 * sequence numbers and transaction ids, the same column values. Our stream captures first (it waits for capture to
 * run, then sees a marker transaction and persists its Commit position); the writes follow; then JDBC's engine
 * resumes from that position (`Builder.sequenceId`) and reads the same transactions. A probe, not a conformance
 * scenario: conformance/jdbc/probes/CdcProbe.java is compiled with javac against the installed JDBC jars
 * (probes.ts). Needs Java (javac) and the peers installed by conformance/setup.sh.
 */
import { assert, describe, it } from "@effect/vitest"
import * as BigDecimal from "effect/BigDecimal"
import * as Effect from "effect/Effect"
import * as Queue from "effect/Queue"
import * as Stream from "effect/Stream"
import * as Connection from "../../src/Connection.ts"
import * as InformixChanges from "../../src/InformixChanges.ts"
import type { Value } from "../../src/InformixValue.ts"
import * as TestServer from "../../src/TestServer.ts"
import { ensurePeers, observations, runJdbcProbe } from "./probes.ts"

const COLUMNS = ["id", "item", "qty", "price", "note", "ok", "placed"]

const text = (v: Value): string =>
  v === null ? "null" : BigDecimal.isBigDecimal(v) ? BigDecimal.format(v) : String(v).trim()

const data = (row: Connection.Row) => ` {${COLUMNS.map((c) => `${c}=${text(row[c] ?? null)}`).join(",")}}`

/** Our events as the records JDBC reports (an Update is its before and after records; positions of after only). */
const asRecords = (events: ReadonlyArray<InformixChanges.ChangeEvent>): Array<string> =>
  events.flatMap((e) => {
    switch (e._tag) {
      case "Begin":
        return [`BEGIN ${e.position} ${e.transactionId} null`]
      case "Commit":
        return [`COMMIT ${e.position} ${e.transactionId} null`]
      case "Insert":
        return [`INSERT ${e.position} ${e.transactionId} 1${data(e.row)}`]
      case "Delete":
        return [`DELETE ${e.position} ${e.transactionId} 1${data(e.row)}`]
      case "Update":
        return [
          `BEFORE_UPDATE ? ${e.transactionId} 1${data(e.before)}`,
          `AFTER_UPDATE ${e.position} ${e.transactionId} 1${data(e.after)}`
        ]
      default:
        return [e._tag]
    }
  })

describe("IBM JDBC's CDC engine on TestServer", () => {
  it.live("reads the same changes as InformixChanges.cdc", () =>
    Effect.gen(function*() {
      ensurePeers()
      const { url, port } = yield* TestServer.make({ databases: [{ name: "shop", logged: true }] })
      const conn = yield* Connection.make({ url, database: "shop" })
      yield* conn.execute(
        "CREATE TABLE orders (id INTEGER NOT NULL, item VARCHAR(20), qty SMALLINT, price DECIMAL(8,2), " +
          "note LVARCHAR(100), ok BOOLEAN, placed DATE)"
      )
      const queue = yield* Queue.unbounded<InformixChanges.ChangeEvent>()
      yield* Effect.forkScoped(
        InformixChanges.cdc({
          connection: url,
          tables: [{ table: "shop:informix.orders", columns: COLUMNS }],
          timeout: 1,
          idle: true
        }).pipe(Stream.runForEach((e) => Queue.offer(queue, e)))
      )
      const next = Effect.gen(function*() {
        for (let e = yield* Queue.take(queue);; e = yield* Queue.take(queue)) if (e._tag !== "Idle") return e
      })
      while ((yield* Queue.take(queue))._tag !== "Idle") {
        // capture is active at the first Idle event
      }
      yield* conn.execute("INSERT INTO orders (id, item) VALUES (0, 'marker')")
      const marker = [yield* next, yield* next, yield* next]
      const saved = marker[2]!.position

      yield* conn.transaction(Effect.andThen(
        conn.execute("INSERT INTO orders VALUES (1, 'apple', 3, 1.25, 'crisp', 't', '2024-02-29')"),
        conn.execute("INSERT INTO orders VALUES (2, 'pear', 1, 123.45, NULL, 'f', '2000-01-01')")
      ))
      yield* conn.execute("UPDATE orders SET qty = 7, note = 'changed' WHERE id = 1")
      yield* conn.execute("DELETE FROM orders WHERE id = 2")
      yield* conn.execute("INSERT INTO orders (id) VALUES (3)")
      const events: Array<InformixChanges.ChangeEvent> = []
      while (events.length < 13) events.push(yield* next)
      const ours = asRecords(events)

      // JDBC: its TABSCHEMA record, then as many records as ours.
      const output = yield* runJdbcProbe("CdcProbe", [
        String(port),
        "shop:informix.orders",
        COLUMNS.join(","),
        String(saved),
        String(ours.length + 1)
      ])
      const seen = observations(output)
      assert.strictEqual(seen["done"], "true", output)
      // TABSCHEMA: JDBC reports no sequence number and no transaction for it; label 1 (its first watched table).
      assert.strictEqual(seen["rec.0"], "METADATA -1 -1 1", output)
      const theirs = ours.map((_, i) => seen[`rec.${i + 1}`] ?? "(missing)")
      // JDBC prints the before image's own position; ours is not exposed (the Update event carries the after's).
      const comparable = theirs.map((r) => r.replace(/^BEFORE_UPDATE \d+/, "BEFORE_UPDATE ?"))
      assert.deepStrictEqual(comparable, ours, output)
      assert.deepStrictEqual(marker.map((e) => e._tag), ["Begin", "Insert", "Commit"])
    }).pipe(Effect.scoped), { timeout: 120_000 })
})

/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the event union */
/**
 * IBM JDBC's smart trigger (com.informix.smartTrigger.IfxSmartTrigger, JDBC-PAM-TRIGGERS-CDC.md §2) on TestServer
 * gets the same documents `InformixChanges.smartTrigger` decodes: both watch the same query under the same label
 * while JDBC's probe changes the table (once its first read has returned the timeout document, so its watch is
 * registered); JDBC prints the raw documents its callback received, our stream's events must say the same. A probe,
 * not a conformance scenario: conformance/jdbc/probes/SmartTriggerProbe.java is compiled with javac against the
 * installed JDBC jars (probes.ts). Needs Java (javac) and the peers installed by conformance/setup.sh.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Queue from "effect/Queue"
import * as Stream from "effect/Stream"
import * as Connection from "../../src/Connection.ts"
import * as InformixChanges from "../../src/InformixChanges.ts"
import * as TestServer from "../../src/TestServer.ts"
import { ensurePeers, observations, runJdbcProbe } from "./probes.ts"

const QUERY = "SELECT id, item, qty FROM orders WHERE qty > 1"
const LABEL = "jdbc_orders"

/** An event as the fields of a document JDBC received (the fields both sides must agree on). */
const fields = (e: InformixChanges.TriggerEvent) => {
  switch (e._tag) {
    case "Insert":
    case "Delete":
      return { operation: e._tag.toLowerCase(), label: e.label, table: e.table, txnid: e.transactionId, rowdata: e.row }
    case "Update":
      return {
        operation: "update",
        label: e.label,
        table: e.table,
        txnid: e.transactionId,
        rowdata: e.after,
        before_rowdata: e.before
      }
    default:
      return { tag: e._tag }
  }
}

/** A document's fields both sides must agree on (absent ones left out). */
const comparable = (d: Record<string, unknown>) => {
  const out: Record<string, unknown> = {}
  for (const key of ["operation", "label", "table", "txnid", "rowdata", "before_rowdata"]) {
    if (d[key] !== undefined) out[key] = d[key]
  }
  return out
}

describe("IBM JDBC's smart trigger on TestServer", () => {
  it.live(
    "receives the same documents as InformixChanges.smartTrigger, its timeout document first",
    () =>
      Effect.gen(function*() {
        ensurePeers()
        const { url, port } = yield* TestServer.make({ databases: [{ name: "shop", logged: true }] })
        const conn = yield* Connection.make({ url, database: "shop" })
        yield* conn.execute("CREATE TABLE orders (id INTEGER NOT NULL PRIMARY KEY, item VARCHAR(20), qty SMALLINT)")
        const queue = yield* Queue.unbounded<InformixChanges.TriggerEvent>()
        yield* Effect.forkScoped(
          InformixChanges.smartTrigger({
            connection: url,
            watches: [{ table: "orders", database: "shop", query: QUERY, label: LABEL }],
            timeout: 1
          }).pipe(Stream.runForEach((e) => Queue.offer(queue, e)))
        )
        assert.strictEqual((yield* Queue.take(queue))._tag, "Attached")
        const statements = [
          "INSERT INTO orders VALUES (1, 'apple', 3)",
          "INSERT INTO orders VALUES (2, 'pear', 1)", // does not match
          "UPDATE orders SET qty = 5 WHERE id = 2", // enters the condition
          "DELETE FROM orders WHERE id = 1"
        ]
        const output = yield* runJdbcProbe("SmartTriggerProbe", [
          String(port),
          "orders",
          "shop",
          QUERY,
          LABEL,
          "3",
          ...statements
        ])
        const seen = observations(output)
        assert.strictEqual(seen["done"], "true", output)
        assert.strictEqual(seen["doc.0"], "{\"ifx_isTimeout\":\"true\"}", output)
        const theirs = [1, 2, 3].map((i) => JSON.parse(seen[`doc.${i}`] ?? "null") as Record<string, unknown>)
        const ours: Array<InformixChanges.TriggerEvent> = []
        while (ours.length < 3) ours.push(yield* Queue.take(queue))
        assert.deepStrictEqual(
          ours.map((e) => comparable(fields(e))),
          theirs.map(comparable),
          output
        )
        assert.deepStrictEqual(ours.map((e) => e._tag), ["Insert", "Update", "Delete"])
      }).pipe(Effect.scoped),
    { timeout: 120_000 }
  )
})

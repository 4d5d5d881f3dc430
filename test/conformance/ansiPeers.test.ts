/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of TestServer's trace events and messages */
/**
 * The two peers on the TestServer's databases by logging mode (JDBC-READING.md §2, §3): IBM's JDBC reads the DBOPEN
 * warning bits as Informix sends them (`getDatabaseType()` 1 ANSI, 2 logged, 3 unlogged), never sends BEGIN WORK in an
 * ANSI database and commits each statement itself in autocommit; informix-driver reads the SQ_XACTSTATs the server
 * sends for ANSI implicit transactions. Probes, not conformance scenarios (those are shared by both peers):
 * conformance/jdbc/probes/AnsiProbe.java is compiled here with javac against the installed JDBC jars,
 * conformance/python/probes/ansi_probe.py runs in the peer's venv.
 *
 * Needs Java (javac) and the peers installed by conformance/setup.sh.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as path from "node:path"
import * as TestServer from "../../src/TestServer.ts"
import { ensurePeers, observations, root, run, runJdbcProbe } from "./probes.ts"

const servers = (events: Array<TestServer.ProtocolTraceEvent>) =>
  TestServer.make({
    databases: ["testdb", { name: "ansidb", ansi: true }, { name: "plain", logged: false }],
    protocolTrace: (event) => events.push(event)
  })

/** The SQL texts and message tags of every batch the server received. */
const batchShapes = (events: ReadonlyArray<TestServer.ProtocolTraceEvent>): Array<string> =>
  events.flatMap((e) =>
    e._tag === "Batch"
      ? [
        e.messages.map((m) =>
          m._tag === "Command" || m._tag === "Prepare" ? `${m._tag}(${Buffer.from(m.sql).toString("latin1")})` : m._tag
        ).join(" ")
      ]
      : []
  )

describe("peers on ANSI, logged and unlogged TestServer databases", () => {
  it.live(
    "IBM JDBC: database type from the DBOPEN bits, no BEGIN WORK in ANSI, a COMMIT per statement in autocommit",
    () =>
      Effect.gen(function*() {
        ensurePeers()
        const events: Array<TestServer.ProtocolTraceEvent> = []
        const server = yield* servers(events)
        const output = yield* runJdbcProbe("AnsiProbe", [String(server.port)])
        const seen = observations(output)
        assert.strictEqual(seen["done"], "true", output)
        assert.deepStrictEqual(
          [seen["ansidb.databaseType"], seen["testdb.databaseType"], seen["plain.databaseType"], seen["ansidb.ansi"]],
          ["1", "2", "3", "true"]
        )
        assert.strictEqual(seen["autocommit.otherSees"], "1")
        assert.strictEqual(seen["manual.otherSees"], "1,3")
        const batches = batchShapes(events)
        assert.isFalse(batches.some((b) => /\bBegin\b|BEGIN/i.test(b)), "JDBC sent BEGIN")
        // Autocommit in an ANSI database: each statement of the first session is followed by its own COMMIT WORK.
        const create = batches.findIndex((b) => b.includes("CREATE TABLE jdbc_ansi"))
        const insert = batches.findIndex((b) => b.includes("INSERT INTO jdbc_ansi VALUES (1)"))
        assert.isAbove(create, -1)
        assert.isTrue(batches.slice(create + 1, insert).some((b) => b.startsWith("CommitWork")), batches.join("\n"))
        assert.isTrue(batches.slice(insert + 1).some((b) => b.startsWith("CommitWork")), batches.join("\n"))
      }),
    { timeout: 120_000 }
  )

  it.live(
    "informix-driver commits, reads and rolls back on an ANSI database (SQ_XACTSTAT in its replies)",
    () =>
      Effect.gen(function*() {
        ensurePeers()
        const events: Array<TestServer.ProtocolTraceEvent> = []
        const server = yield* servers(events)
        const output = yield* run(path.join(root, "conformance/.venv/bin/python"), [
          path.join(root, "conformance/python/probes/ansi_probe.py"),
          String(server.port)
        ])
        const seen = observations(output)
        assert.strictEqual(seen["done"], "true", output)
        assert.deepStrictEqual(
          [seen["committed"], seen["afterRollback"], seen["autocommitSession"], seen["afterAutocommitClose"]],
          ["1", "1", "1,5", "1"]
        )
        // Replies announcing a transaction (XACTSTAT event 1, new level 1, old 0): one per SQ_BEGIN it sent, and more
        // for the transactions the server opened by itself in the autocommit session — which the driver read on.
        const xactBegin = Buffer.from("0063000100010000", "hex")
        const announced = events.filter((e) => e._tag === "Reply" && Buffer.from(e.bytes).includes(xactBegin)).length
        const begins = batchShapes(events).filter((b) => b.startsWith("Begin")).length
        assert.isAbove(begins, 0)
        assert.isAbove(announced, begins)
      }),
    { timeout: 120_000 }
  )
})

/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Scope from "effect/Scope"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import type { BindValue } from "../../src/internal/protocol/messages.ts"
import * as TestServer from "../../src/TestServer.ts"
import { command, errOf, golden, hex, openAndFetch, prepare, session, sessionAs, sql, tags } from "./wire.ts"

const int = (value: number): BindValue => {
  const data = new Uint8Array(4)
  new DataView(data.buffer).setInt32(0, value)
  return { type: 2, indicator: 0, prec: 0x0a00, data }
}
const char = (value: string): BindValue => ({ type: 0, indicator: 0, prec: 0, data: sql(value) })
const nullOf = (type: number): BindValue => ({ type, indicator: -1, prec: 0, data: new Uint8Array(0) })

describe("TestServer (real engine)", () => {
  it.live("make: listens on 127.0.0.1 with a URL, default user and database", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      assert.strictEqual(server.host, "127.0.0.1")
      assert.isAbove(server.port, 0)
      assert.strictEqual(server.serverName, "ol_test")
      assert.strictEqual(server.url, `informix://informix:in4mix@127.0.0.1:${server.port}/testdb?server=ol_test`)
      const stats = yield* server.stats
      assert.strictEqual(stats.sessions, 0)
    }))

  it.live("JDBC's SELECT conversation: DESCRIBE of systables matches the bytes JDBC accepted", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const client = yield* session(server.port)
      const before = client.received().length
      yield* client.write(golden("jdbc-select-20-sq-prepare"))
      yield* client.group
      // Identical except tabid's type: the scripted responder said INTEGER NOT NULL (0x0102); Informix's catalog
      // declares systables.tabid SERIAL, described as 0x0106.
      const expected = hex(golden("jdbc-select-21-reply-describe-done-cost-eot")).replace(
        "00000000000000000102",
        "00000000000000000106"
      )
      assert.strictEqual(hex(client.received().subarray(before)), expected)
      const opened = client.received().length
      yield* client.write(golden("jdbc-select-22-sq-id-curname-open"))
      assert.strictEqual(tags(yield* client.group), "Eot")
      yield* client.write(golden("jdbc-select-24-sq-id-typelist-nfetch"))
      const rows = yield* client.group
      void opened
      assert.strictEqual(tags(rows), "Tuple Done Cost Eot")
      const tuple = rows[0]
      assert.strictEqual(
        tuple?._tag === "Tuple" ? hex(tuple.payload) : "",
        `0000000109${Buffer.from("systables").toString("hex")}`
      )
      yield* client.write(golden("jdbc-select-28-sq-id-close"))
      assert.strictEqual(tags(yield* client.group), "Eot")
      yield* client.write(golden("jdbc-select-30-sq-id-release"))
      assert.strictEqual(tags(yield* client.group), "Eot")
      const stats = yield* server.stats
      assert.deepStrictEqual([stats.sessions, stats.statements, stats.cursors], [1, 0, 0])
    }))

  it.live("DDL, inserts with binds of several types, SERIAL, and a SELECT fetched in several batches", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const client = yield* session(server.port)
      const created = yield* command(
        client,
        "CREATE TABLE items (id SERIAL NOT NULL, name VARCHAR(40), qty INTEGER, note CHAR(8))"
      )
      assert.strictEqual(tags(created), "Describe Done Cost Eot")
      const described = yield* prepare(client, "INSERT INTO items (name, qty, note) VALUES (?, ?, ?)", 3)
      assert.strictEqual(tags(described), "Describe Done Cost Eot")
      const id = described[0]?._tag === "Describe" ? described[0].statementId : -1
      const serials: Array<number> = []
      for (let i = 1; i <= 200; i++) {
        yield* client.send([
          { _tag: "Id", statementId: id },
          { _tag: "Bind", params: [char(`item number ${i}`), i % 7 === 0 ? nullOf(2) : int(i), char("n")] },
          { _tag: "Execute" },
          { _tag: "Eot" }
        ])
        const group = yield* client.group
        const done = group.find((m) => m._tag === "Done")
        assert.strictEqual(done?._tag === "Done" ? done.rows : -1, 1, tags(group))
        serials.push(done?._tag === "Done" ? done.serial : -1)
      }
      assert.deepStrictEqual(serials.slice(0, 3), [1, 2, 3])
      yield* client.send([{ _tag: "Id", statementId: id }, { _tag: "Release" }, { _tag: "Eot" }])
      yield* client.group
      yield* prepare(client, "SELECT id, name, qty, note FROM items ORDER BY id")
      yield* client.send([
        { _tag: "Id", statementId: 0 },
        { _tag: "CurName", name: "_ifxc0000000000000" },
        { _tag: "Open" },
        { _tag: "Eot" }
      ])
      assert.strictEqual(tags(yield* client.group), "Eot")
      let rows = 0
      let batches = 0
      while (true) {
        yield* client.send([{ _tag: "Id", statementId: 0 }, { _tag: "NFetch", bufferSize: 1024, fetchArraySize: 0 }, {
          _tag: "Eot"
        }])
        const group = yield* client.group
        batches++
        rows += group.filter((m) => m._tag === "Tuple").length
        const done = group.find((m) => m._tag === "Done")
        if (done?._tag === "Done") {
          assert.strictEqual(done.rows, 200)
          break
        }
      }
      assert.strictEqual(rows, 200)
      assert.isAbove(batches, 4)
    }))

  it.live("errors: unknown table -206, unique violation mid-batch, syntax -201", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const client = yield* session(server.port)
      const missing = yield* prepare(client, "SELECT * FROM nosuchtable")
      assert.strictEqual(errOf(missing)?.sqlcode, -206)
      assert.strictEqual(errOf(missing)?.parameter, "nosuchtable")
      assert.strictEqual(errOf(yield* prepare(client, "SELEC 1"))?.sqlcode, -201)
      yield* command(client, "CREATE TABLE u (k INTEGER PRIMARY KEY)")
      yield* prepare(client, "INSERT INTO u VALUES (?)", 1)
      yield* client.send([
        { _tag: "Id", statementId: 0 },
        { _tag: "Bind", params: [int(1)] },
        { _tag: "Execute" },
        { _tag: "Bind", params: [int(1)] },
        { _tag: "Execute" },
        { _tag: "Bind", params: [int(2)] },
        { _tag: "Execute" },
        { _tag: "Eot" }
      ])
      const group = yield* client.group
      assert.strictEqual(tags(group), "Done Cost Err Eot")
      assert.oneOf(errOf(group)?.sqlcode, [-239, -268])
    }))

  it.live("transactions on a logged database: BEGIN, insert, ROLLBACK undoes it; XACTSTAT is sent", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const client = yield* session(server.port)
      yield* command(client, "CREATE TABLE t (a INTEGER)")
      yield* client.send([{ _tag: "Begin" }, { _tag: "Eot" }])
      assert.strictEqual(tags(yield* client.group), "XactStat Eot")
      assert.strictEqual((yield* server.stats).transactions, 1)
      yield* command(client, "INSERT INTO t VALUES (1)")
      yield* client.send([{ _tag: "RollbackWork", savepointLevel: 0 }, { _tag: "Eot" }])
      assert.strictEqual(tags(yield* client.group), "XactStat Eot")
      yield* prepare(client, "SELECT COUNT(*) FROM t")
      const group = yield* openAndFetch(client, 0, "c")
      assert.strictEqual(tags(group), "Tuple Done Cost Eot")
    }))

  it.live("SQ_EXIT rolls back and every session closes when the scope ends", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const client = yield* session(server.port)
      yield* client.send([{ _tag: "Begin" }, { _tag: "Eot" }])
      yield* client.group
      yield* client.write(Uint8Array.of(0x00, 0x38))
      yield* client.closed
      yield* Effect.sleep(20)
      const stats = yield* server.stats
      assert.deepStrictEqual([stats.sessions, stats.transactions, stats.totalSessions], [0, 0, 1])
    }))

  const events: Array<TestServer.ProtocolTraceEvent> = []
  it.live("layer + service tag, protocol trace callback, DBCLOSE, session statistics", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.TestServerService
      assert.strictEqual(server.user, "alice")
      assert.strictEqual(server.url, `informix://alice:secret@127.0.0.1:${server.port}/testdb?server=ol_test`)
      const client = yield* sessionAs(server.port, "alice", "secret")
      yield* client.send([{ _tag: "DbClose" }, { _tag: "Eot" }])
      assert.strictEqual(tags(yield* client.group), "Eot")
      yield* client.send([{ _tag: "DbClose" }, { _tag: "Eot" }])
      assert.strictEqual(errOf(yield* client.group)?.sqlcode, -349)
      yield* client.send([{ _tag: "DbOpen", name: "SCRATCH", mode: 0 }, { _tag: "Eot" }])
      const opened = yield* client.group
      assert.strictEqual(opened[0]?._tag === "Done" ? opened[0].warnings : -1, 0x0004) // unlogged
      assert.isTrue(events.some((e) => e._tag === "Batch" && e.messages.some((m) => m._tag === "DbClose")))
      assert.isTrue(events.some((e) => e._tag === "Reply" && e.bytes.length > 0))
      const stats = yield* server.stats
      assert.deepStrictEqual([stats.sessions, stats.peakSessions, stats.totalSessions], [1, 1, 1])
    }).pipe(Effect.provide(TestServer.layer({
      databases: ["testdb", { name: "scratch", logged: false }],
      users: { alice: "secret" },
      protocolTrace: (event) => events.push(event)
    }))))

  it.live("the public fault handle: failNextStatement, corruptNextReply, stallNextReply, reset, dropConnections", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const client = yield* session(server.port)
      yield* server.faults.failNextStatement({ sqlcode: -201, on: "prepare" })
      assert.strictEqual(errOf(yield* prepare(client, "SELECT tabid FROM systables"))?.sqlcode, -201)
      assert.strictEqual(tags(yield* prepare(client, "SELECT tabid FROM systables")), "Describe Done Cost Eot")
      yield* server.faults.stallNextReply("200 millis")
      yield* server.faults.reset
      yield* server.faults.stallEveryReply("10 seconds")
      yield* server.faults.stallEveryReply(undefined)
      yield* client.send([{ _tag: "VersionRequest" }, { _tag: "Eot" }])
      assert.strictEqual(tags(yield* client.group), "Version Eot")
      yield* server.faults.corruptNextReply({ _tag: "UnknownOpcode" })
      yield* client.send([{ _tag: "VersionRequest" }, { _tag: "Eot" }])
      yield* Effect.sleep(50)
      assert.isDefined(client.decodeError())
      const other = yield* session(server.port)
      yield* server.dropConnections
      yield* other.closed
      yield* Effect.sleep(20)
      assert.strictEqual((yield* server.stats).sessions, 0)
    }))

  it.live("directory storage keeps data across server restarts", () =>
    Effect.gen(function*() {
      const directory = fs.mkdtempSync(path.join(os.tmpdir(), "ifx-store-"))
      yield* Effect.scoped(Effect.gen(function*() {
        const server = yield* TestServer.make({ directory })
        const client = yield* session(server.port)
        yield* command(client, "CREATE TABLE kept (a INTEGER)")
        yield* command(client, "INSERT INTO kept VALUES (7)")
      }))
      const server = yield* TestServer.make({ directory })
      const client = yield* session(server.port)
      assert.strictEqual(tags(yield* prepare(client, "SELECT a FROM kept")), "Describe Done Cost Eot")
      fs.rmSync(directory, { recursive: true, force: true })
    }))

  it.live("closing the server's scope closes every session and rolls back their transactions", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const server = yield* TestServer.make().pipe(Scope.provide(scope))
      const a = yield* session(server.port)
      const b = yield* session(server.port)
      yield* command(a, "CREATE TABLE s (x INTEGER)")
      yield* a.send([{ _tag: "Begin" }, { _tag: "Eot" }])
      yield* a.group
      yield* command(a, "INSERT INTO s VALUES (1)")
      assert.strictEqual((yield* server.stats).transactions, 1)
      yield* Scope.close(scope, Exit.void)
      yield* a.closed
      yield* b.closed
      assert.strictEqual((yield* server.stats).sessions, 0)
    }))
})

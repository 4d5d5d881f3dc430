/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type { BindValue, ServerMessage } from "../../src/internal/protocol/messages.ts"
import { measure } from "../testClockSteps.ts"
import { startFake } from "./harness.ts"
import { command, encode, errOf, golden, openAndFetch, prepare, session, sql, tags } from "./wire.ts"
import type { WireClient } from "./wire.ts"

const int = (value: number): BindValue => {
  const data = new Uint8Array(4)
  new DataView(data.buffer).setInt32(0, value)
  return { type: 2, indicator: 0, prec: 0x0a00, data }
}
const char = (value: string): BindValue => ({ type: 0, indicator: 0, prec: 0, data: sql(value) })

const statementId = (group: ReadonlyArray<ServerMessage>): number => {
  const d = group.find((m) => m._tag === "Describe")
  if (d?._tag !== "Describe") throw new Error(`no DESCRIBE in ${tags(group)}`)
  return d.statementId
}

const openCursor = (client: WireClient, id: number, name: string) =>
  Effect.flatMap(
    client.send([{ _tag: "Id", statementId: id }, { _tag: "CurName", name }, { _tag: "Open" }, { _tag: "Eot" }]),
    () => client.group
  )

const fetch = (client: WireClient, id: number, bufferSize = 4096) =>
  Effect.flatMap(
    client.send([{ _tag: "Id", statementId: id }, { _tag: "NFetch", bufferSize, fetchArraySize: 0 }, { _tag: "Eot" }]),
    () => client.group
  )

const act = (client: WireClient, id: number, action: "Close" | "Release" | "Execute") =>
  Effect.flatMap(client.send([{ _tag: "Id", statementId: id }, { _tag: action }, { _tag: "Eot" }]), () => client.group)

const executeBatch = (id: number) => [
  { _tag: "Id", statementId: id } as const,
  { _tag: "Execute" } as const,
  {
    _tag: "Eot"
  } as const
]

const rowOf = (group: ReadonlyArray<ServerMessage>) => {
  const id = group.find((m) => m._tag === "TupId")
  return id?._tag === "TupId" ? id.rowNumber : 0
}

describe("TestServer session", () => {
  it.live("prepare → open → fetch in several byte-budgeted batches → DONE → close → release", () =>
    Effect.gen(function*() {
      const { engine, listening, port } = yield* startFake()
      const client = yield* session(port)
      const described = yield* prepare(client, "select from rows(100)")
      assert.strictEqual(tags(described), "Describe Done Cost Eot")
      const describe = described[0]
      if (describe?._tag !== "Describe") throw new Error("no describe")
      assert.strictEqual(describe.statementType, 2)
      assert.strictEqual(describe.statementId, 0)
      assert.deepStrictEqual(describe.fields.map((f) => f.name), ["id", "name"])
      assert.strictEqual(describe.tupleSize, 24)
      assert.strictEqual(tags(yield* openCursor(client, 0, "_ifxc0000000000000")), "Eot")
      let rows = 0
      let batches = 0
      let sawDone = false
      while (!sawDone) {
        const group = yield* fetch(client, 0, 256)
        batches++
        const tuples = group.filter((m) => m._tag === "Tuple")
        const bytes = tuples.reduce((n, t) => n + (t._tag === "Tuple" ? t.payload.length : 0), 0)
        assert.isAtMost(bytes, 256)
        assert.isAtLeast(tuples.length, sawDone ? 0 : 1)
        rows += tuples.length
        const done = group.find((m) => m._tag === "Done")
        if (done?._tag === "Done") {
          sawDone = true
          assert.strictEqual(done.rows, 100)
          assert.strictEqual(tags(group.slice(-3)), "Done Cost Eot")
        }
      }
      assert.strictEqual(rows, 100)
      assert.isAbove(batches, 3)
      // An extra NFETCH after DONE (ifxdrv's habit) is answered with DONE again and no tuples.
      assert.strictEqual(tags(yield* fetch(client, 0)), "Done Cost Eot")
      const stats = { cursors: listening.sessions.values().next().value?.openCursors }
      assert.strictEqual(stats.cursors, 1)
      assert.strictEqual(tags(yield* act(client, 0, "Close")), "Eot")
      assert.strictEqual(engine.openCursors, 0)
      assert.strictEqual(tags(yield* act(client, 0, "Release")), "Eot")
      assert.strictEqual(listening.sessions.values().next().value?.statements.size, 0)
    }))

  it.live("always sends at least one row even when it exceeds the buffer", () =>
    Effect.gen(function*() {
      const { port } = yield* startFake()
      const client = yield* session(port)
      yield* prepare(client, "select from rows(3)")
      yield* openCursor(client, 0, "c1")
      const group = yield* fetch(client, 0, 1)
      assert.strictEqual(tags(group), "Tuple Eot")
    }))

  it.live("first batch CURNAME OPEN ID NFETCH in one go (ifxdrv/nmap shape)", () =>
    Effect.gen(function*() {
      const { port } = yield* startFake()
      const client = yield* session(port)
      yield* prepare(client, "select from rows(2)")
      const group = yield* openAndFetch(client, 0, "_ifxc0000000000001")
      assert.strictEqual(tags(group), "Tuple Tuple Done Cost Eot")
      const first = group[0]
      if (first?._tag !== "Tuple") throw new Error("no tuple")
      // INTEGER 1 then VARCHAR "name-1" with its 1-byte length prefix.
      assert.strictEqual(Buffer.from(first.payload).toString("hex"), "00000001066e616d652d31")
    }))

  it.live("statement ids: lowest free from 0, kept after errors, freed by RELEASE; failed PREPARE allocates nothing", () =>
    Effect.gen(function*() {
      const { port } = yield* startFake()
      const client = yield* session(port)
      assert.strictEqual(statementId(yield* prepare(client, "update 1")), 0)
      assert.strictEqual(statementId(yield* prepare(client, "update 2")), 1)
      const failed = yield* prepare(client, "nonsense")
      assert.strictEqual(tags(failed), "Err Eot")
      assert.strictEqual(errOf(failed)?.sqlcode, -201)
      assert.strictEqual(statementId(yield* prepare(client, "update 3")), 2)
      yield* act(client, 1, "Release")
      assert.strictEqual(statementId(yield* prepare(client, "update 4")), 1)
      const executed = yield* act(client, 2, "Execute")
      assert.strictEqual(tags(executed), "Done Cost Eot")
      assert.strictEqual(executed[0]?._tag === "Done" ? executed[0].rows : -1, 3)
    }))

  it.live("statement and cursor errors: -258 unknown id, -259 cursor not open, -260 cursor name in use", () =>
    Effect.gen(function*() {
      const { port } = yield* startFake()
      const client = yield* session(port)
      assert.strictEqual(errOf(yield* act(client, 7, "Release"))?.sqlcode, -258)
      yield* prepare(client, "select from rows(2)")
      yield* prepare(client, "select from rows(2)")
      assert.strictEqual(errOf(yield* fetch(client, 0))?.sqlcode, -259)
      assert.strictEqual(errOf(yield* act(client, 0, "Close"))?.sqlcode, -259)
      assert.strictEqual(tags(yield* openCursor(client, 0, "dup")), "Eot")
      const clash = yield* openCursor(client, 1, "dup")
      assert.strictEqual(errOf(clash)?.sqlcode, -260)
      // The failing batch changed nothing: cursor 0 still works.
      assert.strictEqual(tags(yield* fetch(client, 0)), "Tuple Tuple Done Cost Eot")
    }))

  it.live("COMMAND NDESCRIBE EXECUTE RELEASE in one round trip; a failing one frees its statement", () =>
    Effect.gen(function*() {
      const { listening, port } = yield* startFake()
      const client = yield* session(port)
      const ok = yield* command(client, "update 5")
      assert.strictEqual(tags(ok), "Describe Done Cost Eot")
      assert.strictEqual(ok[1]?._tag === "Done" ? ok[1].rows : -1, 5)
      const failed = yield* command(client, "select from rows(1)")
      assert.strictEqual(errOf(failed)?.sqlcode, -400)
      assert.strictEqual(tags(failed), "Err Eot")
      assert.strictEqual(listening.sessions.values().next().value?.statements.size, 0)
    }))

  it.live("several EXECUTEs in one batch: one DONE each; the first error skips the rest (executeBatch)", () =>
    Effect.gen(function*() {
      const { port } = yield* startFake()
      const client = yield* session(port)
      yield* prepare(client, "insert serial")
      yield* client.send([
        { _tag: "Id", statementId: 0 },
        { _tag: "Execute" },
        { _tag: "Execute" },
        { _tag: "Execute" },
        { _tag: "Eot" }
      ])
      const group = yield* client.group
      assert.strictEqual(tags(group), "Done Cost Done Cost Done Cost Eot")
      assert.deepStrictEqual(group.filter((m) => m._tag === "Done").map((m) => m._tag === "Done" ? m.serial : 0), [
        101,
        102,
        103
      ])
      yield* prepare(client, "update 1")
      yield* prepare(client, "select from rows(1)")
      yield* client.send([
        { _tag: "Id", statementId: 1 },
        { _tag: "Execute" },
        { _tag: "Id", statementId: 2 },
        { _tag: "Execute" },
        { _tag: "Id", statementId: 1 },
        { _tag: "Execute" },
        { _tag: "Eot" }
      ])
      const mixed = yield* client.group
      assert.strictEqual(tags(mixed), "Done Cost Err Eot")
    }))

  it.live("pipelined batches get their replies strictly in order, also after an error", () =>
    Effect.gen(function*() {
      const { port } = yield* startFake()
      const client = yield* session(port)
      yield* prepare(client, "update 1")
      yield* client.write(
        encode([...executeBatch(0), ...executeBatch(9), ...executeBatch(0), ...executeBatch(0)], client.framing)
      )
      assert.strictEqual(tags(yield* client.group), "Done Cost Eot")
      assert.strictEqual(errOf(yield* client.group)?.sqlcode, -258)
      assert.strictEqual(tags(yield* client.group), "Done Cost Eot")
      assert.strictEqual(tags(yield* client.group), "Done Cost Eot")
    }))

  it.live("SERIAL in DONE.serial; SERIAL8/BIGSERIAL in INSERTDONE; generated keys after SGKPREPARE", () =>
    Effect.gen(function*() {
      const { port } = yield* startFake()
      const client = yield* session(port)
      yield* client.send([
        { _tag: "Command", numQmarks: 0, sql: sql("insert serial8") },
        { _tag: "SgkPrepare", value: 1 },
        { _tag: "NDescribe" },
        { _tag: "Execute" },
        { _tag: "Release" },
        { _tag: "Eot" }
      ])
      const group = yield* client.group
      assert.strictEqual(tags(group), "Describe InsertDone SgkDescribe SgkTuple Done Cost Eot")
      const insertDone = group[1]
      assert.strictEqual(insertDone?._tag === "InsertDone" ? insertDone.serial8 : undefined, 101n)
      const bigserial = yield* command(client, "insert bigserial")
      assert.strictEqual(tags(bigserial), "Describe InsertDone Done Cost Eot")
      assert.strictEqual(bigserial[1]?._tag === "InsertDone" ? bigserial[1].bigserial : undefined, 102n)
    }))

  it.live("binds: BIND + EXECUTE, BIND between CURNAME and OPEN, bind-only batch, wrong count -254", () =>
    Effect.gen(function*() {
      const { port } = yield* startFake()
      const client = yield* session(port)
      yield* prepare(client, "echo ?", 1)
      yield* client.send([
        { _tag: "Id", statementId: 0 },
        { _tag: "CurName", name: "c" },
        { _tag: "Bind", params: [char("hello")] },
        { _tag: "Open" },
        { _tag: "Id", statementId: 0 },
        { _tag: "NFetch", bufferSize: 4096, fetchArraySize: 0 },
        { _tag: "Eot" }
      ])
      const group = yield* client.group
      assert.strictEqual(tags(group), "Tuple Done Cost Eot")
      const tuple = group[0]
      assert.strictEqual(tuple?._tag === "Tuple" ? Buffer.from(tuple.payload).toString("latin1") : "", "\x05hello")
      yield* act(client, 0, "Close")
      // ifxdrv: BIND alone, then CURNAME OPEN NFETCH reusing the stored values.
      yield* client.send([{ _tag: "Id", statementId: 0 }, { _tag: "Bind", params: [int(42)] }, { _tag: "Eot" }])
      assert.strictEqual(tags(yield* client.group), "Eot")
      yield* openCursor(client, 0, "c")
      const reused = yield* fetch(client, 0)
      assert.strictEqual(reused[0]?._tag === "Tuple" ? Buffer.from(reused[0].payload).toString("latin1") : "", "\x0242")
      yield* client.send([{ _tag: "Id", statementId: 0 }, { _tag: "Bind", params: [int(1), int(2)] }, { _tag: "Eot" }])
      assert.strictEqual(errOf(yield* client.group)?.sqlcode, -254)
    }))

  it.live("SQ_CIDESCRIBE is answered with SQ_IDESCRIBE (zero parameters: exactly 00 7d 00 00 00 0c)", () =>
    Effect.gen(function*() {
      const { port } = yield* startFake()
      const client = yield* session(port)
      yield* prepare(client, "update 1")
      const before = client.received().length
      yield* client.send([{ _tag: "Id", statementId: 0 }, { _tag: "CiDescribe" }, { _tag: "Eot" }])
      yield* client.group
      assert.strictEqual(Buffer.from(client.received().subarray(before)).toString("hex"), "007d0000000c")
      yield* prepare(client, "echo ?", 1)
      yield* client.send([{ _tag: "Id", statementId: 1 }, { _tag: "CiDescribe" }, { _tag: "Eot" }])
      const group = yield* client.group
      const idescribe = group[0]
      assert.strictEqual(idescribe?._tag === "IDescribe" ? idescribe.params.length : -1, 1)
    }))

  it.live("transactions: BEGIN/COMMIT/ROLLBACK with XACTSTAT on a logged database; -255 outside one", () =>
    Effect.gen(function*() {
      const { port } = yield* startFake()
      const client = yield* session(port)
      yield* client.write(golden("jdbc-tx-01-sq-begin"))
      assert.strictEqual(tags(yield* client.group), "XactStat Eot")
      yield* client.write(golden("jdbc-tx-06-sq-sqlisetsvpt"))
      assert.strictEqual(tags(yield* client.group), "Eot")
      yield* client.write(golden("jdbc-tx-07-sq-sqlirbacksvpt"))
      assert.strictEqual(tags(yield* client.group), "Eot")
      yield* client.write(golden("jdbc-tx-08-sq-sqlirelsvpt"))
      assert.strictEqual(tags(yield* client.group), "Eot")
      yield* client.write(golden("jdbc-tx-05-sq-cmmtwork"))
      assert.strictEqual(tags(yield* client.group), "XactStat Eot")
      yield* client.write(golden("jdbc-tx-03-sq-rbwork"))
      assert.strictEqual(errOf(yield* client.group)?.sqlcode, -255)
      const plain = yield* session(port, { database: "plain" })
      yield* plain.send([{ _tag: "Begin" }, { _tag: "Eot" }])
      assert.strictEqual(tags(yield* plain.group), "Eot")
    }))

  it.live("scroll cursor: ABSOLUTE, LAST, NEXT with TUPLE then TUPID; past the end → bare EOT", () =>
    Effect.gen(function*() {
      const { port } = yield* startFake()
      const client = yield* session(port)
      yield* prepare(client, "select from rows(5)")
      yield* client.send([
        { _tag: "Id", statementId: 0 },
        { _tag: "CurName", name: "s" },
        { _tag: "Scroll" },
        { _tag: "Open" },
        { _tag: "Eot" }
      ])
      yield* client.group
      const sfetch = (scrollType: number, target: number) =>
        Effect.flatMap(
          client.send([{ _tag: "Id", statementId: 0 }, { _tag: "SFetch", scrollType, target, bufferSize: 4096 }, {
            _tag: "Eot"
          }]),
          () => client.group
        )
      const second = yield* sfetch(6, 2)
      assert.strictEqual(tags(second), "Tuple TupId Eot")
      assert.strictEqual(rowOf(second), 2)
      assert.strictEqual(rowOf(yield* sfetch(4, 0)), 5)
      assert.strictEqual(rowOf(yield* sfetch(6, 1)), 1)
      assert.strictEqual(rowOf(yield* sfetch(1, 0)), 2)
      assert.strictEqual(rowOf(yield* sfetch(1, 3)), 3)
      assert.strictEqual(tags(yield* sfetch(6, 10)), "Eot")
      assert.strictEqual(rowOf(yield* sfetch(4, 0)), 5)
    }))

  it.live("SQ_VERSION, SQ_EXIT (rolls back, 00 38 00 0c, close)", () =>
    Effect.gen(function*() {
      const { engine, port } = yield* startFake()
      const client = yield* session(port)
      yield* client.send([{ _tag: "VersionRequest" }, { _tag: "Eot" }])
      const version = yield* client.group
      assert.strictEqual(version[0]?._tag === "Version" ? version[0].text : "", "15.0.1.0.3")
      yield* client.send([{ _tag: "Begin" }, { _tag: "Eot" }])
      yield* client.group
      const before = client.received().length
      yield* client.write(golden("jdbc-select-32-sq-exit"))
      yield* client.closed
      assert.strictEqual(Buffer.from(client.received().subarray(before)).toString("hex"), "0038000c")
      assert.strictEqual(engine.openSessions, 0)
    }))

  it.live("an unknown opcode closes the connection after answering the complete batches before it", () =>
    Effect.gen(function*() {
      const { listening, port } = yield* startFake()
      const client = yield* session(port)
      yield* client.write(Uint8Array.of(0x00, 0x35, 0x00, 0x0c, 0x00, 0xf7, 0x00, 0x0c))
      assert.strictEqual(tags(yield* client.group), "Version Eot")
      yield* client.closed
      assert.isTrue(client.isClosed())
      yield* Effect.sleep(20)
      assert.strictEqual(listening.sessions.size, 0)
    }))

  it.live("client input split into 1-byte chunks", () =>
    Effect.gen(function*() {
      const { port } = yield* startFake()
      const client = yield* session(port)
      const bytes = encode([
        { _tag: "Prepare", numQmarks: 0, sql: sql("select from rows(3)") },
        { _tag: "NDescribe" },
        { _tag: "WantDone" },
        { _tag: "Eot" },
        { _tag: "Id", statementId: 0 },
        { _tag: "CurName", name: "x" },
        { _tag: "Open" },
        { _tag: "Id", statementId: 0 },
        { _tag: "NFetch", bufferSize: 4096, fetchArraySize: 0 },
        { _tag: "Eot" }
      ], client.framing)
      for (const byte of bytes) {
        yield* client.write(Uint8Array.of(byte))
        yield* Effect.sleep(0)
      }
      assert.strictEqual(tags(yield* client.group), "Describe Done Cost Eot")
      assert.strictEqual(tags(yield* client.group), "Tuple Tuple Tuple Done Cost Eot")
    }))

  it.live("a lock conflict is retried until the session's lock-wait deadline", () =>
    Effect.gen(function*() {
      const { port } = yield* startFake()
      const client = yield* session(port)
      assert.strictEqual(errOf(yield* command(client, "locked 2"))?.sqlcode, -244)
      yield* command(client, "set lock mode to wait 5")
      const ok = yield* command(client, "locked 3")
      assert.strictEqual(tags(ok), "Describe Done Cost Eot")
    }))

  it.live("0x42 inside a message is data, not an interrupt (SQL text 'BEGIN', statement id 66)", () =>
    Effect.gen(function*() {
      const { port } = yield* startFake()
      const client = yield* session(port)
      assert.strictEqual(tags(yield* command(client, "BEGIN WORK")), "Describe XactStat Done Cost Eot")
      yield* client.send([{ _tag: "Id", statementId: 0x42 }, { _tag: "Execute" }, { _tag: "Eot" }])
      assert.strictEqual(errOf(yield* client.group)?.sqlcode, -258)
    }))

  it.live("an inline 0x42 right behind a batch interrupts that batch, even before it started", () =>
    Effect.gen(function*() {
      const { faults, port } = yield* startFake()
      const client = yield* session(port)
      faults.stallNextMillis = 10_000
      const batch = encode([{ _tag: "VersionRequest" }, { _tag: "Eot" }], client.framing)
      yield* client.write(Uint8Array.from([...batch, 0x42]))
      assert.strictEqual(errOf(yield* client.group)?.sqlcode, -213)
      // Idle: ignored, and the following batch is answered normally.
      yield* client.write(Uint8Array.from([0x42, ...batch]))
      assert.strictEqual(tags(yield* client.group), "Version Eot")
    }))

  it.effect("sysproc_sleep: EXECUTE PROCEDURE sleeps at EXECUTE, EXECUTE FUNCTION at OPEN and returns one row", () =>
    Effect.gen(function*() {
      const { port } = yield* startFake()
      const client = yield* session(port)
      const procedure = yield* prepare(client, "EXECUTE PROCEDURE sysproc_sleep(?)", 1)
      const p = procedure[0]
      assert.deepStrictEqual(p?._tag === "Describe" ? [p.statementType, p.fields.length] : [], [56, 0])
      const seconds = new Uint8Array(8)
      new DataView(seconds.buffer).setFloat64(0, 0.2)
      // The test clock measures the sleep.
      const executed = yield* measure(Effect.andThen(
        client.send([
          { _tag: "Id", statementId: 0 },
          { _tag: "Bind", params: [{ type: 3, indicator: 0, prec: 0, data: seconds }] },
          { _tag: "Execute" },
          { _tag: "Eot" }
        ]),
        client.group
      ))
      assert.strictEqual(tags(executed.value), "Done Cost Eot")
      assert.isAtLeast(executed.millis, 200)
      const fn = yield* prepare(client, "execute function sysproc_sleep(0.2);")
      const f = fn[0]
      assert.deepStrictEqual(f?._tag === "Describe" ? [f.statementType, f.fields.length] : [], [56, 1])
      const opened = yield* measure(openAndFetch(client, 1, "s"))
      assert.strictEqual(tags(opened.value), "Tuple Done Cost Eot")
      assert.isAtLeast(opened.millis, 200)
    }))

  it.live("SQ_DBLIST lists the databases; SQ_INFO is accepted at any time", () =>
    Effect.gen(function*() {
      const { port } = yield* startFake()
      const client = yield* session(port, { database: undefined })
      yield* client.send([{ _tag: "DbListRequest" }, { _tag: "Eot" }])
      const group = yield* client.group
      assert.deepStrictEqual(group[0]?._tag === "DbList" ? group[0].names : [], ["testdb", "plain"])
      yield* client.send([{
        _tag: "Info",
        infoType: 6,
        totalLength: 0,
        maxNameLength: 0,
        maxValueLength: 0,
        env: [["OPTCOMPIND", "0"]],
        raw: new Uint8Array(0)
      }, { _tag: "Eot" }])
      assert.strictEqual(tags(yield* client.group), "Eot")
    }))
})

/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
/**
 * IBM JDBC 15's captured client messages (golden/*.json) replayed against the TestServer. Where the reply is fully
 * determined (no row data the engine chooses), the server's bytes must equal the reply JDBC accepted.
 */
import { assert, describe, it } from "@effect/vitest"
import * as BigDecimal from "effect/BigDecimal"
import * as Effect from "effect/Effect"
import { NARROW_FRAMING } from "../../src/internal/protocol/framing.ts"
import type { ServerMessage } from "../../src/internal/protocol/messages.ts"
import { decodeRow, isCodecFailure, latin1Charset } from "../../src/internal/values/index.ts"
import * as TestServer from "../../src/TestServer.ts"
import { command, connect, golden, hex, openAndFetch, prepare, session, tags } from "./wire.ts"
import type { WireClient } from "./wire.ts"

/** The content of the SQ_BLOB chunks of a FETCHBLOB reply. */
const content = (group: ReadonlyArray<ServerMessage>) =>
  Buffer.concat(group.flatMap((m) => (m._tag === "Blob" ? [m.data] : [])))

/** Writes a golden client vector and returns the raw reply bytes of that group. */
const replay = (client: WireClient, name: string) =>
  Effect.gen(function*() {
    const before = client.received().length
    yield* client.write(golden(name))
    const group = yield* client.group
    return { group, bytes: client.received().subarray(before) }
  })

describe("TestServer against JDBC 15's golden vectors", () => {
  it.live("PreparedStatement insert: PREPARE, CIDESCRIBE, BIND+EXECUTE", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const client = yield* session(server.port)
      yield* command(client, "CREATE TABLE t1 (a INTEGER, b VARCHAR(255))")
      const prepared = yield* replay(client, "jdbc-prep-01-sq-prepare")
      assert.strictEqual(tags(prepared.group), "Describe Done Cost Eot")
      const described = yield* replay(client, "jdbc-prep-02-sq-id-cidescribe")
      assert.strictEqual(hex(described.bytes), hex(golden("jdbc-prep-03-reply-idescribe-eot")))
      const executed = yield* replay(client, "jdbc-prep-04-sq-id-bind-execute")
      assert.strictEqual(tags(executed.group), "Done Cost Eot")
      assert.strictEqual(executed.group[0]?._tag === "Done" ? executed.group[0].rows : -1, 1)
      // executeBatch: three BIND/EXECUTE pairs in one batch → exactly the three DONE/COST JDBC accepted.
      const batch = yield* replay(client, "jdbc-batch-01-sq-id-bind-execute-x3")
      assert.strictEqual(hex(batch.bytes), hex(golden("jdbc-batch-02-reply-done-cost-x3-eot")))
    }))

  it.live("Statement.executeUpdate and Statement.executeBatch (SQ_COMMAND)", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const client = yield* session(server.port)
      yield* command(client, "CREATE TABLE t1 (a INTEGER, b VARCHAR(10))")
      const update = yield* replay(client, "jdbc-dml-08-sq-command")
      assert.strictEqual(hex(update.bytes), hex(golden("jdbc-dml-09-reply-describe-done-cost-eot")))
      const batch = yield* replay(client, "jdbc-batch-03-statement-sq-command-x2")
      assert.strictEqual(hex(batch.bytes), hex(golden("jdbc-batch-04-reply-describe-done-cost-x2-eot")))
      assert.strictEqual((yield* server.stats).statements, 0)
    }))

  it.live("generated keys: SQ_COMMAND with SQ_SGKPREPARE → DESCRIBE, SGKDESCRIBE, SGKTUPLE, DONE(serial), COST", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const client = yield* session(server.port)
      yield* command(client, "CREATE TABLE ts (id SERIAL, name VARCHAR(10))")
      yield* command(client, "INSERT INTO ts (id, name) VALUES (1000, 'seed')")
      const reply = yield* replay(client, "jdbc-prep-16-sq-command-sgkprepare")
      // The reply JDBC accepted for serial 1001 (getGeneratedKeys().getString("id") = "1001").
      assert.strictEqual(
        hex(reply.bytes),
        hex(golden("jdbc-prep-30-reply-describe-sgkdescribe-sgktuple-done-cost-eot"))
      )
    }))

  it.live("scroll cursor: CURNAME SCROLL OPEN, RET_TYPE + SFETCH ABSOLUTE 2 → TUPLE TUPID", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const client = yield* session(server.port)
      yield* command(client, "CREATE TABLE scrolltab (id INTEGER, name VARCHAR(20))")
      for (let i = 1; i <= 5; i++) yield* command(client, `INSERT INTO scrolltab VALUES (${i}, 'row${i}')`)
      yield* prepare(client, "SELECT id, name FROM scrolltab")
      assert.strictEqual(tags((yield* replay(client, "jdbc-scroll-01-sq-id-curname-scroll-open")).group), "Eot")
      const absolute = yield* replay(client, "jdbc-scroll-02-sq-id-rettype-sfetch-absolute-2")
      assert.strictEqual(hex(absolute.bytes), hex(golden("jdbc-scroll-03-reply-tuple-tupid-eot")))
      const past = yield* replay(client, "jdbc-scroll-09-sfetch-absolute-past-end")
      assert.strictEqual(hex(past.bytes), hex(golden("jdbc-scroll-10-reply-eot-past-end")))
    }))

  it.live("isValid (SQ_VERSION), WITH HOLD open, savepoints, SQ_EXIT", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const client = yield* session(server.port)
      const version = yield* replay(client, "jdbc-cancel-10-isvalid-sq-version")
      assert.strictEqual(hex(version.bytes), hex(golden("jdbc-cancel-11-reply-sq-version-eot")))
      yield* replay(client, "jdbc-tx-19-sq-begin-after-prepare")
      yield* client.write(golden("jdbc-select-20-sq-prepare"))
      yield* client.group
      const held = yield* replay(client, "jdbc-tx-20-sq-id-curname-hold-open")
      assert.strictEqual(tags(held.group), "Eot")
      for (const name of ["jdbc-tx-06-sq-sqlisetsvpt", "jdbc-tx-07-sq-sqlirbacksvpt", "jdbc-tx-08-sq-sqlirelsvpt"]) {
        const reply = yield* replay(client, name)
        assert.strictEqual(hex(reply.bytes), hex(golden("jdbc-tx-10-reply-eot-after-svpt")), name)
      }
      const before = client.received().length
      yield* client.write(golden("jdbc-tx-14-sq-exit-open-transaction"))
      yield* client.closed
      assert.strictEqual(hex(client.received().subarray(before)), hex(golden("jdbc-select-33-reply-exit-eot")))
    }))

  it.live("BYTE/TEXT: BIND with descriptors + SQ_BBIND stream, then FETCHBLOB while the cursor is open", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const client = yield* session(server.port)
      yield* command(client, "CREATE TABLE tblob (b BYTE, t TEXT)")
      assert.strictEqual(tags(yield* prepare(client, "INSERT INTO tblob VALUES (?, ?)", 2)), "Describe Done Cost Eot")
      const described = yield* replay(client, "jdbc-prep-02-sq-id-cidescribe")
      assert.strictEqual(hex(described.bytes), hex(golden("jdbc-prep-24-reply-idescribe-byte-text-eot")))
      const inserted = yield* replay(client, "jdbc-prep-25-sq-id-bind-byte-text-bbind-execute")
      assert.strictEqual(tags(inserted.group), "Done Cost Eot")
      yield* prepare(client, "SELECT b, t FROM tblob")
      const rows = yield* openAndFetch(client, 1, "blobs")
      const tuple = rows[0]
      if (tuple?._tag !== "Tuple") throw new Error(`expected a tuple, got ${tags(rows)}`)
      assert.strictEqual(tuple.payload.length, 112)
      // tblob layout: tb_end (12..15) = size − 1 is what JDBC reads the range from; tb_size (16..19) = size.
      const byteDescriptor = new DataView(tuple.payload.buffer, tuple.payload.byteOffset, 56)
      assert.deepStrictEqual([byteDescriptor.getInt32(8), byteDescriptor.getInt32(12), byteDescriptor.getInt32(16)], [
        0,
        2,
        3
      ])
      assert.strictEqual(tuple.payload[39], 0)
      const fetchBlob = (descriptor: Uint8Array) =>
        Effect.flatMap(
          client.send([{ _tag: "Id", statementId: 1 }, { _tag: "FetchBlob", descriptor }, { _tag: "Eot" }]),
          () => client.group
        )
      assert.strictEqual(hex(content(yield* fetchBlob(tuple.payload.subarray(0, 56)))), "010203")
      // JDBC announced 11 bytes for the 10 it streamed (golden/jdbc-prep-25); the stream is what was stored.
      assert.strictEqual(content(yield* fetchBlob(tuple.payload.subarray(56))).toString("latin1"), "hello-text")
    }))

  it.live("nmap's old 7-byte offer gets the narrow framing (u16 SQL length, DESCRIBE and NFETCH widths)", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make({ dbOpenReply: "eot" })
      const client = yield* connect(server.port)
      yield* client.write(golden("nmap-login-testdb"))
      const accept = yield* client.connectResponse
      assert.strictEqual(accept.slType, 2)
      // The client's Cap_1 (nmap: 307) is echoed.
      assert.strictEqual(accept.cap1, 307)
      yield* replay(client, "nmap-select-02-sq-protocols")
      client.setFraming(NARROW_FRAMING)
      assert.strictEqual(hex((yield* replay(client, "nmap-select-04-sq-info-env")).bytes), "000c")
      // nmap gives up on a DONE here (golden/nmap-logged-07): the "eot" mode answers with a bare EOT.
      assert.strictEqual(hex((yield* replay(client, "nmap-select-06-sq-dbopen")).bytes), "000c")
      const described = yield* replay(client, "nmap-select-08-sq-prepare")
      assert.strictEqual(tags(described.group), "Describe Done Cost Eot")
      const describe = described.group[0]
      assert.deepStrictEqual(describe?._tag === "Describe" ? describe.fields.map((f) => f.name) : [], [
        "hostname",
        "version"
      ])
      const rows = yield* replay(client, "nmap-select-10-sq-id-curname-open-nfetch")
      assert.strictEqual(tags(rows.group), "Tuple Done Cost Eot")
      assert.strictEqual(hex((yield* replay(client, "nmap-select-12-sq-id-close")).bytes), "000c")
    }))

  it.live("JDBC's binds of 13 types (golden/jdbc-prep-06, -08) are stored and read back with the right values", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const client = yield* session(server.port)
      yield* command(
        client,
        "CREATE TABLE t7 (a INTEGER, b BIGINT, c DECIMAL(16,2), d VARCHAR(255), e DATE, f DATETIME YEAR TO FRACTION(3), g INTEGER)"
      )
      yield* command(
        client,
        "CREATE TABLE t6 (a FLOAT, b SMALLFLOAT, c SMALLINT, d DECIMAL(16,2), e DECIMAL(12), f VARCHAR(255))"
      )
      yield* prepare(client, "INSERT INTO t7 VALUES (?, ?, ?, ?, ?, ?, ?)", 7)
      const described = yield* replay(client, "jdbc-prep-02-sq-id-cidescribe")
      assert.strictEqual(hex(described.bytes), hex(golden("jdbc-prep-05-reply-idescribe-7types-eot")))
      assert.strictEqual(tags((yield* replay(client, "jdbc-prep-06-sq-id-bind-7types-execute")).group), "Done Cost Eot")
      yield* client.send([{ _tag: "Id", statementId: 0 }, { _tag: "Release" }, { _tag: "Eot" }])
      yield* client.group
      yield* prepare(client, "INSERT INTO t6 VALUES (?, ?, ?, ?, ?, ?)", 6)
      assert.strictEqual(tags((yield* replay(client, "jdbc-prep-08-sq-id-bind-6types-execute")).group), "Done Cost Eot")
      yield* client.send([{ _tag: "Id", statementId: 0 }, { _tag: "Release" }, { _tag: "Eot" }])
      yield* client.group
      const row = (text: string) =>
        Effect.gen(function*() {
          const group = yield* prepare(client, text)
          const describe = group[0]
          if (describe?._tag !== "Describe") throw new Error(tags(group))
          const rows = yield* openAndFetch(client, describe.statementId, "r")
          const tuple = rows[0]
          if (tuple?._tag !== "Tuple") throw new Error(tags(rows))
          yield* client.send([{ _tag: "Id", statementId: describe.statementId }, { _tag: "Release" }, { _tag: "Eot" }])
          yield* client.group
          const values = decodeRow(tuple.payload, describe.fields, { charset: latin1Charset })
          if (isCodecFailure(values)) throw new Error(values.message)
          return values.map((v) =>
            v === null
              ? null
              : BigDecimal.isBigDecimal(v)
              ? BigDecimal.format(v)
              : typeof v === "object"
              ? String(v)
              : v
          )
        })
      assert.deepStrictEqual(yield* row("SELECT a, b, c, d, e, f, g FROM t7"), [
        42,
        9007199254740993n,
        "12345.67",
        "hello",
        "2024-02-29",
        "2024-02-29 13:45:56.789",
        null
      ])
      assert.deepStrictEqual(yield* row("SELECT a, b, c, d, e, f FROM t6"), [3.25, 1.5, -2, "1.5", "-0.001", null])
    }))

  it.live("JDBC's logged-database conversation replayed message by message (catalogue queries, BEGIN, COMMAND, COMMIT, EXIT)", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const setup = yield* session(server.port)
      yield* command(setup, "CREATE TABLE t1 (a INTEGER, b CHAR(1))")
      const client = yield* connect(server.port)
      yield* client.write(golden("jdbc-login-testdb"))
      yield* client.connectResponse
      const steps: Array<[string, string]> = [
        ["02-sq-protocols", "Protocols Eot"],
        ["04-sq-info-env", "Eot"],
        ["06-sq-dbopen", "Done Eot"],
        ["08-sq-prepare", "Describe Done Cost Eot"],
        ["10-sq-id-curname-open", "Eot"],
        ["12-sq-id-typelist-nfetch", "Tuple Done Cost Eot"],
        ["14-sq-id-nfetch", "Done Cost Eot"],
        ["16-sq-id-close", "Eot"],
        ["18-sq-id-release", "Eot"],
        ["20-sq-prepare", "Describe Done Cost Eot"],
        ["22-sq-id-curname-open-nfetch", "Tuple Done Cost Eot"],
        ["24-sq-id-close", "Eot"],
        ["26-sq-id-release", "Eot"],
        ["28-sq-prepare", "Describe Done Cost Eot"],
        ["30-sq-id-curname-open", "Eot"],
        ["32-sq-id-typelist-nfetch", "Tuple Done Cost Eot"],
        ["34-sq-id-nfetch", "Done Cost Eot"],
        ["36-sq-id-close", "Eot"],
        ["38-sq-id-release", "Eot"],
        ["40-sq-begin", "XactStat Eot"],
        ["42-sq-command", "Describe Done Cost Eot"],
        ["44-sq-cmmtwork", "XactStat Eot"]
      ]
      const texts: Array<string> = []
      for (const [name, expected] of steps) {
        const { group } = yield* replay(client, `jdbc-logged-${name}`)
        assert.strictEqual(tags(group), expected, name)
        for (const m of group) if (m._tag === "Tuple") texts.push(Buffer.from(m.payload).toString("latin1"))
      }
      // GL_COLLATE site (JDBC checks the locale), VERSION flags, then DBINFO('version','full').
      assert.include(texts[0], "en_US.819")
      assert.include(texts[2], "15.0.1.0.3")
      const before = client.received().length
      yield* client.write(golden("jdbc-logged-46-sq-exit"))
      yield* client.closed
      assert.strictEqual(hex(client.received().subarray(before)), hex(golden("jdbc-logged-47-reply-exit-eot")))
      assert.strictEqual(tags(yield* prepare(setup, "SELECT a FROM t1")), "Describe Done Cost Eot")
    }))

  it.live("informix-driver's SELECT conversation (statement id 0 addressing, extra NFETCH after DONE)", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make()
      const client = yield* connect(server.port)
      yield* client.write(golden("pyifx-login-testdb"))
      yield* client.connectResponse
      const steps: Array<[string, string]> = [
        ["02-sq-protocols", "Protocols Eot"],
        ["04-sq-info-env", "Eot"],
        ["06-sq-dbopen", "Done Eot"],
        ["08-sq-prepare", "Describe Done Cost Eot"],
        ["10-sq-begin", "XactStat Eot"],
        ["12-sq-id-curname-open-nfetch", "Tuple Done Cost Eot"],
        ["14-sq-id-nfetch", "Done Cost Eot"],
        ["16-sq-id-close", "Eot"],
        ["18-sq-id-release", "Eot"]
      ]
      for (const [name, expected] of steps) {
        assert.strictEqual(tags((yield* replay(client, `pyifx-select-${name}`)).group), expected, name)
      }
      const before = client.received().length
      yield* client.write(golden("pyifx-select-20-sq-exit"))
      yield* client.closed
      assert.strictEqual(hex(client.received().subarray(before)), hex(golden("pyifx-select-21-reply-exit-eot")))
    }))
})

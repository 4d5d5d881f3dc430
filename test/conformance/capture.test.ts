/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of TestServer's trace events and messages */
/**
 * Byte-capture comparison: what IBM's JDBC driver sends for connect, prepare, bind of every type, fetch and
 * commit/rollback, against what our Connection sends for the same operations, each recorded by a TCP proxy in front
 * of its own fresh TestServer.
 *
 * Every compared operation must be byte-identical once per-session values are masked (login identity fields,
 * statement ids, cursor names). The differences that remain are the explained ones listed below — each is asserted
 * in its exact documented form, and docs/protocol-evidence.md ("Conformance peers") says why it is acceptable.
 * Anything else fails the test.
 *
 * Needs Java and Maven (IBM JDBC is installed by conformance/setup.sh on first use).
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { spawn, spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import * as Connection from "../../src/Connection.ts"
import * as Informix from "../../src/InformixValue.ts"
import * as TestServer from "../../src/TestServer.ts"
import type { ClientMessage, Recording, RecordingProxy, Turn } from "./capture.ts"
import { maskedHex, maskLogin, parseClientTurn, shape, startRecordingProxy } from "./capture.ts"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const jdbcDir = path.join(root, "conformance/jdbc")

// The SQL texts of the JDBC peer's scenarios (conformance/jdbc/.../Conformance.java): our client must send the very
// same text for PREPARE/COMMAND bytes to be comparable. Keep in step with the peer.
const TYPES_DDL = "CREATE TABLE jdbc_types ("
  + "id INTEGER NOT NULL, c_smallint SMALLINT, c_integer INTEGER, c_int8 INT8, c_bigint BIGINT, c_serial SERIAL, "
  + "c_smallfloat SMALLFLOAT, c_float FLOAT, c_decimal DECIMAL(12,4), c_money MONEY(10,2), c_date DATE, "
  + "c_dt_year_fraction3 DATETIME YEAR TO FRACTION(3), c_dt_year_second DATETIME YEAR TO SECOND, "
  + "c_dt_hour_second DATETIME HOUR TO SECOND, c_iv_day_second INTERVAL DAY(5) TO SECOND, "
  + "c_iv_year_month INTERVAL YEAR(4) TO MONTH, c_char CHAR(10), c_varchar VARCHAR(100), c_nchar NCHAR(8), "
  + "c_nvarchar NVARCHAR(40), c_lvarchar LVARCHAR(2000), c_boolean BOOLEAN)"
const TYPES_INSERT = `INSERT INTO jdbc_types VALUES (${Array.from({ length: 22 }, () => "?").join(", ")})`
const TYPES_SELECT = "SELECT * FROM jdbc_types WHERE id = 1"
const TX_DDL = "CREATE TABLE jdbc_tx (id INTEGER)"
const TX_COUNT = "SELECT COUNT(*) FROM jdbc_tx"

const NULLS_SELECT = "SELECT * FROM jdbc_types WHERE id = 2"

const JDBC_SCENARIOS = "connect,create_table_all_types,insert_bound_all_types,select_compare_all_types,"
  + "nulls_all_types,transaction_rollback,disconnect"

/**
 * The values JDBC binds in insert_bound_all_types, typed as JDBC types them (it asks the server for the parameter
 * types with SQ_CIDESCRIBE first): Timestamp as DATETIME YEAR TO FRACTION(5), Time as HOUR TO SECOND, strings as CHAR.
 */
const typedValues = (): ReadonlyArray<unknown> => {
  const fraction5 = Informix.qualifier("YEAR", "FRACTION", { fractionDigits: 5 })
  return [
    Informix.integer(1),
    Informix.smallint(-12345),
    Informix.integer(2147483647),
    Informix.int8(-9223372036854775807n),
    Informix.bigint(9223372036854775807n),
    Informix.integer(42),
    Informix.smallfloat(1.25),
    Informix.float(-Math.PI), // the peer's -3.141592653589793
    Informix.decimal("-12345678.9012"),
    Informix.money("12345678.90"),
    Informix.date(new Informix.LocalDate(2024, 2, 29)),
    Informix.datetime(
      new Informix.DateTime(fraction5, {
        year: 2024,
        month: 2,
        day: 29,
        hour: 13,
        minute: 45,
        second: 56,
        fraction: 78900
      })
    ),
    Informix.datetime(
      new Informix.DateTime(fraction5, {
        year: 1999,
        month: 12,
        day: 31,
        hour: 23,
        minute: 59,
        second: 59,
        fraction: 0
      })
    ),
    Informix.datetime(new Informix.DateTime(Informix.qualifier("HOUR", "SECOND"), { hour: 0, minute: 30, second: 5 })),
    Informix.interval(
      new Informix.IntervalDayTime(Informix.qualifier("DAY", "SECOND", { leadingPrecision: 5 }), {
        days: 1234,
        hours: 10,
        minutes: 20,
        seconds: 30
      })
    ),
    Informix.interval(
      new Informix.IntervalYearMonth(Informix.qualifier("YEAR", "MONTH", { leadingPrecision: 4 }), {
        years: 123,
        months: 5
      })
    ),
    "abc",
    "h\u00e9llo w\u00f6rld",
    "nch",
    "\u00f1and\u00fa",
    Informix.lvarchar("lvarchar-0123456789/".repeat(80).slice(0, 1500)),
    Informix.boolean(true)
  ]
}

/** The row of nulls_all_types: id 2, SERIAL 0, every other column a NULL of the column's type (JDBC setNull). */
const nullValues = (): ReadonlyArray<unknown> => {
  const types: ReadonlyArray<Informix.ParameterType> = [
    "SMALLINT",
    "INTEGER",
    "INT8",
    "BIGINT",
    "SMALLFLOAT",
    "FLOAT",
    "DECIMAL",
    "MONEY",
    "DATE",
    "DATETIME",
    "DATETIME",
    "DATETIME",
    "INTERVAL",
    "INTERVAL",
    "CHAR",
    "VARCHAR",
    "NCHAR",
    "NVARCHAR",
    "LVARCHAR",
    "BOOLEAN"
  ]
  const nulls: Array<unknown> = types.map((type) => Informix.typedNull(type))
  nulls.splice(4, 0, Informix.integer(0))
  return [Informix.integer(2), ...nulls]
}

// byte_text scenario of the JDBC peer: 3000 bytes 0..255 repeated, 5000 characters of "text line N\n".
const BLOBS_DDL = "CREATE TABLE jdbc_blobs (id INTEGER, c_byte BYTE, c_text TEXT)"
const BLOBS_INSERT = "INSERT INTO jdbc_blobs VALUES (?, ?, ?)"
const byteValue = (): Uint8Array => Uint8Array.from({ length: 3000 }, (_, i) => i % 256)
const textValue = (): string => {
  let text = ""
  for (let i = 0; text.length < 5000; i++) text += `text line ${i}\n`
  return text.slice(0, 5000)
}

/** Installs the JDBC peer if conformance/setup.sh has not run yet (Maven downloads the driver once). */
const ensureJdbcPeer = (): void => {
  if (fs.existsSync(path.join(jdbcDir, "target/.installed"))) return
  const setup = spawnSync("bash", [path.join(root, "conformance/setup.sh")], { encoding: "utf8" })
  if (setup.status !== 0) throw new Error(`conformance/setup.sh failed: ${setup.stdout}\n${setup.stderr}`)
}

/** Runs the JDBC peer against `port` without blocking the event loop (the server lives in this process). */
const runJdbc = (port: number, scenarios: string = JDBC_SCENARIOS): Promise<string> =>
  new Promise((resolve) => {
    let output = ""
    const child = spawn("java", [
      "-cp",
      [path.join(jdbcDir, "target/classes"), path.join(jdbcDir, "target/lib/*")].join(path.delimiter),
      "effectinformix.conformance.Conformance",
      "--port",
      String(port),
      "--only",
      scenarios,
      "--timeout",
      "30"
    ])
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()))
    child.on("error", (error) => resolve(`failed to start java: ${error.message}`))
    child.on("close", () => resolve(output))
  })

/** Our Connection with the credentials the JDBC peer uses. */
const connectOurs = (port: number) =>
  Connection.make({
    host: "127.0.0.1",
    port,
    user: "informix",
    password: Redacted.make("in4mix"),
    database: "testdb",
    server: "ol_test"
  })

/** Our Connection performing the same operations as the JDBC scenarios, in the same order. */
const runOurs = (port: number) =>
  Effect.scoped(Effect.gen(function*() {
    const connection = yield* connectOurs(port)
    yield* connection.execute(TYPES_DDL)
    yield* connection.execute(TYPES_INSERT, typedValues())
    yield* connection.query(TYPES_SELECT)
    yield* connection.execute(TYPES_INSERT, nullValues())
    yield* connection.query(NULLS_SELECT)
    yield* connection.execute(TX_DDL)
    // JDBC: setAutoCommit(false), INSERT 1, COUNT, rollback(), COUNT, INSERT 2, commit().
    yield* Effect.exit(connection.transaction(Effect.gen(function*() {
      yield* connection.execute("INSERT INTO jdbc_tx VALUES (1)")
      yield* connection.query(TX_COUNT)
      return yield* Effect.fail("roll back")
    })))
    yield* connection.query(TX_COUNT)
    yield* connection.transaction(connection.execute("INSERT INTO jdbc_tx VALUES (2)"))
  }))

/**
 * A TestServer that keeps session 1's protocol trace: the conversation compared (JDBC's transaction scenario opens a
 * second session).
 */
const tracedServer = Effect.gen(function*() {
  const trace: Array<TestServer.ProtocolTraceEvent> = []
  const server = yield* TestServer.make({ protocolTrace: (event) => event.session === 1 && trace.push(event) })
  return { server, trace }
})

const withProxy = <A, E>(port: number, use: (proxy: RecordingProxy) => Effect.Effect<A, E>) =>
  Effect.acquireUseRelease(
    Effect.promise(() => startRecordingProxy({ host: "127.0.0.1", port })),
    use,
    (proxy) => Effect.promise(() => proxy.close())
  )

/** Runs a client against `port` through a recording proxy: its result and the conversation the proxy saw. */
const record = <A, E>(port: number, run: (proxyPort: number) => Effect.Effect<A, E>) =>
  withProxy(port, (proxy) => run(proxy.port).pipe(Effect.map((a) => [a, conversation(proxy.recordings()[0])] as const)))

/** The JDBC peer's output and conversation for these scenarios. */
const recordJdbc = (port: number, scenarios?: string) =>
  record(port, (proxyPort) => Effect.promise(() => runJdbc(proxyPort, scenarios)))

interface Conversation {
  readonly login: Uint8Array
  /** Post-login client turns, parsed, in order. */
  readonly turns: ReadonlyArray<ReadonlyArray<ClientMessage>>
}

const conversation = (recording: Recording | undefined): Conversation => {
  const turns = (recording?.turns() ?? []).filter((turn: Turn) => turn.direction === "client")
  const [login, ...rest] = turns
  return { login: login?.bytes ?? new Uint8Array(0), turns: rest.map((turn) => parseClientTurn(turn.bytes)) }
}

/** The turns whose first message has this name (and, for PREPARE/COMMAND, this SQL). */
const turnsOf = (c: Conversation, name: string, sql?: string) =>
  c.turns.filter((turn) => turn[0]?.name === name && (sql === undefined || turn[0]?.sql === sql))

const single = (turns: ReadonlyArray<ReadonlyArray<ClientMessage>>, what: string): ReadonlyArray<ClientMessage> => {
  assert.isAtLeast(turns.length, 1, `${what}: not found`)
  return turns[0]!
}

/** Bytes of a `char`-form string's text plus pad (its u16 length is counted elsewhere). */
const charLength = (text: string): number => text.length + (text.length & 1)

/** A BIND parameter as TestServer's decoder reads it (its trace), for per-parameter comparison. */
interface BoundParam {
  readonly type: number
  readonly indicator: number
  readonly prec: number
  readonly data: string
  readonly extendedName?: string
}

/** The pairs of the session's SQ_INFO(INFO_ENV), as TestServer decoded them. */
const infoPairs = (events: ReadonlyArray<TestServer.ProtocolTraceEvent>): ReadonlyArray<readonly [string, string]> =>
  events.flatMap((event) => event._tag === "Batch" ? event.messages.flatMap((m) => m._tag === "Info" ? m.env : []) : [])

const bindBatches = (
  events: ReadonlyArray<TestServer.ProtocolTraceEvent>
): ReadonlyArray<ReadonlyArray<BoundParam>> => {
  const batches: Array<ReadonlyArray<BoundParam>> = []
  for (const event of events) {
    if (event._tag !== "Batch") continue
    for (const message of event.messages) {
      if (message._tag === "Bind") {
        batches.push((message.params as unknown as ReadonlyArray<Record<string, unknown>>).map((p): BoundParam => {
          const param: {
            type: number
            indicator: number
            prec: number
            data: string
            extendedName?: string
          } = {
            type: Number(p["type"]),
            indicator: Number(p["indicator"]),
            prec: Number(p["prec"]),
            data: Buffer.from((p["data"] as Uint8Array | undefined) ?? new Uint8Array(0)).toString("hex")
          }
          if (typeof p["extendedName"] === "string") param.extendedName = p["extendedName"]
          return param
        }))
      }
    }
  }
  return batches
}

/** JDBC's connect-time catalogue queries (golden/README.md "SQ_DBOPEN reply") and getMetaData's version query. */
const JDBC_CATALOGUE_QUERIES = new Set([
  "select FIRST 1 site from informix.systables where tabname = ' GL_COLLATE'",
  "SELECT flags FROM informix.systables WHERE tabname = ' VERSION';",
  "select dbinfo('version','full') from  table (set{1});"
])

interface TranscriptTurn {
  /** Message names, with the SQL of PREPARE/COMMAND. */
  readonly label: string
  readonly masked: string
  readonly length: number
}

const label = (messages: ReadonlyArray<ClientMessage>): string =>
  messages.map((m) => (m.sql === undefined ? m.name : `${m.name}(${m.sql})`)).join(" ")

const transcriptTurn = (messages: ReadonlyArray<ClientMessage>): TranscriptTurn => ({
  label: label(messages),
  masked: maskedHex(messages),
  length: messages.reduce((sum, m) => sum + m.bytes.length, 0)
})

const beginTurns = (c: Conversation): ReadonlyArray<string> =>
  c.turns.filter((turn) => turn[0]?.name === "SQ_BEGIN").map(maskedHex)

/**
 * The post-login conversation without SQ_PROTOCOLS (compared on its own) and SQ_BEGIN (compared by `beginTurns`:
 * JDBC's autocommit-off model begins before the next statement, ours at `transaction`), and for JDBC without the
 * turns our client does not send, each an explained difference (docs/protocol-evidence.md, "Conformance peers"):
 * - the catalogue queries JDBC runs after connecting (JDBC_CATALOGUE_QUERIES), with their cursor turns;
 * - `SQ_ID SQ_CIDESCRIBE`: JDBC asks the server for the parameter types; we type parameters from the values;
 * - `SQ_ID SQ_RELEASE` and a second PREPARE of the same SQL: JDBC frees every statement; we cache prepared ones;
 * - JDBC's open split in two batches with SQ_RET_TYPE (results with VARCHAR columns): merged into the single
 *   `SQ_ID SQ_CURNAME SQ_OPEN SQ_ID SQ_NFETCH SQ_EOT` batch JDBC itself sends for other results;
 * - `SQ_ID SQ_CLOSE` after a cursor's last row: our session environment has OPTOFC=1 (what JDBC sends with its
 *   `OPTOFC` property), so the server closes such a cursor itself; JDBC's default (no OPTOFC) closes it.
 */
/**
 * Explained difference: the CLOSE of a cursor whose rows were all read travels in the same TCP write as our next
 * batch (Connection `closeExhausted`, docs/protocol-evidence.md), where JDBC sends it as a turn of its own. Our turns
 * are compared batch by batch (split after each SQ_EOT).
 */
const splitPipelined = (c: Conversation): Conversation => ({
  ...c,
  turns: c.turns.flatMap((turn) => {
    const batches: Array<typeof turn> = []
    let start = 0
    for (let m = 0; m < turn.length; m++) {
      if (turn[m]!.name !== "SQ_EOT" && m < turn.length - 1) continue
      batches.push(turn.slice(start, m + 1))
      start = m + 1
    }
    return batches
  })
})

const normalise = (c: Conversation, client: "jdbc" | "ours"): ReadonlyArray<TranscriptTurn> => {
  const out: Array<TranscriptTurn> = []
  const prepared = new Set<string>()
  let inCatalogueQuery = false
  for (let i = 0; i < c.turns.length; i++) {
    const turn = c.turns[i]!
    const first = turn[0]?.name ?? ""
    if (first === "SQ_PROTOCOLS" || first === "SQ_BEGIN") continue
    if (client === "ours") {
      out.push(transcriptTurn(turn))
      continue
    }
    if (first === "SQ_PREPARE" || first === "SQ_COMMAND") {
      const sql = turn[0]!.sql ?? ""
      inCatalogueQuery = JDBC_CATALOGUE_QUERIES.has(sql)
      if (inCatalogueQuery) continue
      if (first === "SQ_PREPARE") {
        if (prepared.has(sql)) continue
        prepared.add(sql)
      }
      out.push(transcriptTurn(turn))
      continue
    }
    if (first === "SQ_ID" && inCatalogueQuery) continue
    const shaped = shape(turn)
    if (shaped === "SQ_ID SQ_CIDESCRIBE SQ_EOT" || shaped === "SQ_ID SQ_RELEASE SQ_EOT") continue
    // Our session asks for OPTOFC (the server closes a cursor at its last row); JDBC's default closes each itself.
    if (shaped === "SQ_ID SQ_CLOSE SQ_EOT") continue
    const next = c.turns[i + 1]
    if (
      shaped === "SQ_ID SQ_CURNAME SQ_OPEN SQ_EOT" && next !== undefined
      && shape(next) === "SQ_ID SQ_RET_TYPE SQ_NFETCH SQ_EOT"
    ) {
      out.push(transcriptTurn([...turn.slice(0, -1), next[0]!, ...next.slice(2)]))
      i++
      continue
    }
    out.push(transcriptTurn(turn))
  }
  return out
}

describe("conformance capture: our Connection sends what IBM JDBC sends", () => {
  it.live("connect, prepare, bind of every type, fetch, commit, rollback, exit", () =>
    Effect.gen(function*() {
      ensureJdbcPeer()
      const { server: jdbcServer, trace: jdbcTrace } = yield* tracedServer
      const { server: oursServer, trace: oursTrace } = yield* tracedServer
      const [jdbcOutput, jdbc] = yield* recordJdbc(jdbcServer.port)
      const ours = splitPipelined((yield* record(oursServer.port, runOurs))[1])
      assert.isAbove(jdbc.turns.length, 10, `the JDBC peer did not get far:\n${jdbcOutput}`)

      // 1. Login PDU: identical apart from the client-identity fields (pid, thread id, host, cwd, app name).
      assert.strictEqual(maskLogin(ours.login), maskLogin(jdbc.login), "login PDU")

      // 2. SQ_PROTOCOLS — explained difference: we offer informix-driver's 8-byte mask; JDBC appends a 9th byte 06
      //    (bits 69/70, which change DESCRIBE and DONE framing when granted). Otherwise identical.
      const jdbcProtocols = maskedHex(single(turnsOf(jdbc, "SQ_PROTOCOLS"), "JDBC SQ_PROTOCOLS"))
      const oursProtocols = maskedHex(single(turnsOf(ours, "SQ_PROTOCOLS"), "our SQ_PROTOCOLS"))
      assert.strictEqual(jdbcProtocols, "007e0009fffc7ffc3c8caa970600000c")
      assert.oneOf(oursProtocols, [jdbcProtocols, "007e0008fffc7ffc3c8caa97000c"], "SQ_PROTOCOLS offer")

      // 3. Everything after the login and SQ_PROTOCOLS, turn by turn, once JDBC's explained extra turns are
      //    normalised away (see `normalise`): the same operations in the same order, each byte-identical with
      //    statement ids and cursor names masked. A BIND batch is compared by length here and per parameter below.
      const jdbcBinds = bindBatches(jdbcTrace)
      const oursBinds = bindBatches(oursTrace)
      let bindTurn = 0
      const jdbcTranscript = normalise(jdbc, "jdbc")
      const oursTranscript = normalise(ours, "ours")
      assert.deepStrictEqual(oursTranscript.map((t) => t.label), jdbcTranscript.map((t) => t.label), "transcript")
      for (let i = 0; i < jdbcTranscript.length; i++) {
        const j = jdbcTranscript[i]!
        const o = oursTranscript[i]!
        if (j.label.includes("SQ_BIND")) {
          // Same length but for the explained extended-name difference of the NULL row (step 4).
          const row = bindTurn++
          const nameBytes = (params: ReadonlyArray<BoundParam> | undefined): number =>
            (params ?? []).reduce((sum, p) => sum + charLength(p.extendedName ?? ""), 0)
          assert.strictEqual(
            o.length - nameBytes(oursBinds[row]),
            j.length - nameBytes(jdbcBinds[row]),
            `${j.label}: batch length`
          )
        } else if (
          [TYPES_SELECT, NULLS_SELECT].some((sql) => jdbcTranscript[i - 1]?.label.startsWith(`SQ_PREPARE(${sql})`))
          && o.masked !== j.masked
        ) {
          // Explained difference: JDBC's NFETCH budget for a row of 2049..4096 bytes (a jdbc_types row) is 8192;
          // ours is the fixed fetchBufferSize 4096 (docs/protocol-evidence.md, "JDBC's NFETCH buffer size").
          assert.strictEqual(o.masked, j.masked.replace("0009000020000000", "0009000010000000"), j.label)
        } else if (j.label === "SQ_INFO") {
          // Explained difference: our session environment is what JDBC sends with its OPTOFC property (see
          // `normalise`): its default pairs with OPTOFC=1 after DBTEMP.
          assert.deepStrictEqual(infoPairs(jdbcTrace), [["DBTEMP", "/tmp"], ["SUBQCACHESZ", "10"]], j.label)
          assert.deepStrictEqual(infoPairs(oursTrace), [["DBTEMP", "/tmp"], ["OPTOFC", "1"], ["SUBQCACHESZ", "10"]])
        } else {
          assert.strictEqual(o.masked, j.masked, j.label)
        }
      }
      // Both opened exactly two transactions (JDBC: SQ_BEGIN before the first statement after setAutoCommit(false)
      // and after rollback(); ours: at each `transaction`), with identical SQ_BEGIN bytes.
      assert.deepStrictEqual(beginTurns(ours), beginTurns(jdbc), "SQ_BEGIN turns")
      assert.strictEqual(beginTurns(jdbc).length, 2)

      // 4. Each bound parameter (as TestServer decodes the batches): the all-types row, then the row of NULLs.
      //    Identical type, indicator, extended name and data bytes; the prec word differs only where evidence
      //    explains it.
      assert.strictEqual(jdbcBinds.length, 2, "JDBC sent two BIND batches")
      assert.strictEqual(oursBinds.length, 2, "we sent two BIND batches")
      // Explained prec differences of the values row (index → [JDBC, ours]): INT8 JDBC 0x1300 vs our 0 ([inferred] in
      // the values entry; JDBC's value is now evidence), DECIMAL/MONEY JDBC's scale-only word vs informix-driver's
      // (p << 8) | s.
      const explainedPrec: ReadonlyArray<Readonly<Record<number, readonly [number, number]>>> = [
        { 3: [0x1300, 0], 8: [0x0004, 0x0c04], 9: [0x0000, 0x0a02] },
        {}
      ]
      for (const [row, what] of ["values", "NULLs"].entries()) {
        const jdbcParams = jdbcBinds[row]!
        const oursParams = oursBinds[row]!
        assert.strictEqual(jdbcParams.length, 22, `JDBC bound 22 ${what}`)
        assert.strictEqual(oursParams.length, 22, `we bound 22 ${what}`)
        for (let i = 0; i < 22; i++) {
          const j = jdbcParams[i]!
          const o = oursParams[i]!
          const label = `${what} parameter ${i + 1}`
          assert.strictEqual(o.type, j.type, `${label} type`)
          assert.strictEqual(o.indicator, j.indicator, `${label} indicator`)
          assert.strictEqual(o.data, j.data, `${label} data`)
          if (row === 1 && i === 20) {
            // Explained: JDBC names a NULL LVARCHAR "lvarchar" (a non-NULL one has an empty name); we send the
            // empty name for both.
            assert.oneOf(o.extendedName ?? "", ["", "lvarchar"], `${label} extended type name`)
            assert.strictEqual(j.extendedName, "lvarchar", `${label} JDBC extended type name`)
          } else {
            assert.strictEqual(o.extendedName ?? "", j.extendedName ?? "", `${label} extended type name`)
          }
          const explained = explainedPrec[row]![i]
          if (explained !== undefined && o.prec !== j.prec) {
            assert.deepStrictEqual([j.prec, o.prec], [...explained], `${label} prec (explained difference)`)
          } else {
            assert.strictEqual(o.prec, j.prec, `${label} prec`)
          }
        }
      }
    }).pipe(Effect.scoped), { timeout: 240_000 })

  it.live("BYTE and TEXT binds (SQ_BIND descriptors, SQ_BBIND, SQ_BLOB stream)", () =>
    Effect.gen(function*() {
      ensureJdbcPeer()
      const { server: jdbcServer, trace: jdbcTrace } = yield* tracedServer
      const { server: oursServer, trace: oursTrace } = yield* tracedServer
      const [jdbcOutput, jdbc] = yield* recordJdbc(jdbcServer.port, "connect,byte_text,disconnect")
      const [, ours] = yield* record(oursServer.port, (port) =>
        Effect.scoped(Effect.gen(function*() {
          const connection = yield* connectOurs(port)
          yield* connection.execute(BLOBS_DDL)
          yield* connection.execute(BLOBS_INSERT, [
            Informix.integer(1),
            Informix.byte(byteValue()),
            Informix.text(textValue())
          ])
          yield* connection.execute(BLOBS_INSERT, [
            Informix.integer(2),
            Informix.typedNull("BYTE"),
            Informix.typedNull("TEXT")
          ])
        })))

      const bindTurns = (c: Conversation) => c.turns.filter((turn) => shape(turn).startsWith("SQ_ID SQ_BIND"))
      assert.strictEqual(bindTurns(jdbc).length, 2, `JDBC did not bind both rows:\n${jdbcOutput}`)
      assert.strictEqual(bindTurns(ours).length, 2)
      assert.strictEqual(
        maskedHex(single(turnsOf(ours, "SQ_PREPARE", BLOBS_INSERT), "our PREPARE")),
        maskedHex(single(turnsOf(jdbc, "SQ_PREPARE", BLOBS_INSERT), "JDBC PREPARE")),
        "SQ_PREPARE"
      )

      // Row 1: the 56-byte descriptors and the blob streams. Explained differences (docs/protocol-evidence.md):
      // JDBC's BYTE prec is 56 (ours 0), and JDBC's TEXT descriptor size field is the length of a Java byte array's
      // identity string `[B@<hash in hex>` whatever the text (JDBC-LOB.md §3.2: `IfxBlob.fromString`), so 11 — or
      // fewer when the hash has fewer than 8 hex digits (ours: the exact byte count, as informix-driver); everything
      // from SQ_BBIND to the end of the batch is byte-identical.
      const [jdbcRow1, jdbcRow2] = bindBatches(jdbcTrace)
      const [oursRow1, oursRow2] = bindBatches(oursTrace)
      const descriptor = (size: number): string =>
        "00".repeat(16) + size.toString(16).padStart(8, "0") + "00".repeat(36)
      const jdbcTextSize = Number.parseInt(jdbcRow1?.[2]?.data.slice(32, 40) ?? "", 16)
      assert.isTrue(jdbcTextSize >= 4 && jdbcTextSize <= 11, `JDBC's TEXT size field: ${jdbcTextSize}`)
      assert.deepStrictEqual(jdbcRow1, [
        { type: 2, indicator: 0, prec: 0x0a00, data: "00000001" },
        { type: 11, indicator: 0, prec: 56, data: descriptor(3000) },
        { type: 12, indicator: 0, prec: 0, data: descriptor(jdbcTextSize) }
      ])
      // Ours: JDBC's parameter or the documented alternative (informix-driver's prec 0 / exact size).
      const oursAlternatives: ReadonlyArray<BoundParam> = [
        { type: 2, indicator: 0, prec: 0x0a00, data: "00000001" },
        { type: 11, indicator: 0, prec: 0, data: descriptor(3000) },
        { type: 12, indicator: 0, prec: 0, data: descriptor(5000) }
      ]
      assert.strictEqual(oursRow1?.length, 3)
      oursRow1!.forEach((param, i) =>
        assert.oneOf(JSON.stringify(param), [JSON.stringify(jdbcRow1![i]), JSON.stringify(oursAlternatives[i])])
      )
      const blobStream = (turn: ReadonlyArray<ClientMessage>): string => {
        const bytes = Buffer.concat(turn.map((m) => m.bytes)).toString("hex")
        return bytes.slice(bytes.indexOf("00290002"))
      }
      const jdbcStream = blobStream(bindTurns(jdbc)[0]!)
      assert.isTrue(jdbcStream.startsWith("00290002002704000001"), "JDBC stream starts with SQ_BBIND 2, SQ_BLOB 1024")
      assert.strictEqual(blobStream(bindTurns(ours)[0]!), jdbcStream, "SQ_BBIND + SQ_BLOB chunks + SQ_EXECUTE")

      // Row 2: NULL BYTE and TEXT, identical.
      assert.deepStrictEqual(oursRow2, jdbcRow2)
      assert.strictEqual(maskedHex(bindTurns(ours)[1]!), maskedHex(bindTurns(jdbc)[1]!), "NULL BYTE/TEXT batch")
    }).pipe(Effect.scoped), { timeout: 240_000 })
})

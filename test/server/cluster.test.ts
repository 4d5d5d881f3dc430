/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
/**
 * TestServer.cluster: a primary and shared-disk secondaries over one set of databases, their roles on the wire
 * (login warning 0x20, DBOPEN 0x20, writes refused), promote / stop / start, and the Connection Manager's
 * redirects per service level (decoded with Protocol.parseRedirect, as a client reads them).
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as net from "node:net"
import * as Connection from "../../src/Connection.ts"
import { ConnectionError, SqlError } from "../../src/InformixError.ts"
import { encodeLoginRequest } from "../../src/internal/protocol/codec.ts"
import * as Protocol from "../../src/Protocol.ts"
import * as TestServer from "../../src/TestServer.ts"
import { connect, loginRequest } from "./wire.ts"

const member = (cluster: TestServer.TestCluster, name: string): TestServer.TestServer => {
  const server = cluster.server(name)
  if (server === undefined) throw new Error(`no member ${name}`)
  return server
}

/** The typed error an effect failed with (the assertion fails when it succeeded). */
const failureOf = <A>(exit: Exit.Exit<A, unknown>): unknown => {
  assert.isTrue(Exit.isFailure(exit), "expected a failure")
  const reason = Exit.isFailure(exit) ? exit.cause.reasons.find((r) => r._tag === "Fail") : undefined
  return reason?._tag === "Fail" ? reason.error : undefined
}

const sqlErrorOf = <A>(exit: Exit.Exit<A, unknown>): SqlError => {
  const failure = failureOf(exit)
  assert.instanceOf(failure, SqlError)
  return failure as SqlError
}

/** The CONACC/CONREJ/REDIRECT a raw login on `port` with INFORMIXSERVER `serverName` gets. */
const loginReply = (port: number, serverName: string) =>
  Effect.gen(function*() {
    const client = yield* connect(port)
    const encoded = encodeLoginRequest(loginRequest({ serverName }))
    if (encoded._tag !== "Success") return yield* Effect.die(new Error(encoded.failure.message))
    yield* client.write(encoded.success)
    const reply = yield* client.connectResponse
    yield* client.closed
    return reply
  }).pipe(Effect.scoped)

/** Where the service level's redirect sends a login: `{ server, host, port }`. */
const redirectOf = (cluster: TestServer.TestCluster, sla: string) =>
  Effect.gen(function*() {
    const level = cluster.serviceLevels.find((l) => l.name === sla)!
    const reply = yield* loginReply(level.port, sla)
    assert.deepStrictEqual([reply.slType, reply.initMarker], [13, 103])
    return Protocol.parseRedirect(reply.redirect!.detail)
  })

/** Whether a TCP connection to the port is accepted. */
const accepts = (port: number) =>
  Effect.callback<boolean>((resume) => {
    const socket = net.connect({ port, host: "127.0.0.1" }, () => {
      socket.destroy()
      resume(Effect.succeed(true))
    })
    socket.once("error", () => resume(Effect.succeed(false)))
  })

describe("TestServer.cluster", () => {
  it.live("a secondary serves the primary's committed rows at its next statement, never its uncommitted ones", () =>
    Effect.gen(function*() {
      const cluster = yield* TestServer.cluster()
      const primary = yield* Connection.make({ url: member(cluster, "ol_primary").url })
      const secondary = yield* Connection.make({ url: member(cluster, "ol_sds1").url })
      yield* primary.execute("CREATE TABLE t (n INTEGER)")
      yield* primary.execute("INSERT INTO t VALUES (1)")
      assert.deepStrictEqual(yield* secondary.values("SELECT n FROM t"), [[1]])
      // An open transaction on the primary: its row is not on the shared disk yet, and its lock does not block the
      // secondary (which reads the committed rows).
      yield* primary.transaction(Effect.gen(function*() {
        yield* primary.execute("INSERT INTO t VALUES (2)")
        assert.deepStrictEqual(yield* secondary.values("SELECT n FROM t ORDER BY n"), [[1]])
      }))
      assert.deepStrictEqual(yield* secondary.values("SELECT n FROM t ORDER BY n"), [[1], [2]])
    }).pipe(Effect.scoped))

  it.live("a secondary's login carries warning 0x20 and its DBOPEN 0x20; the primary's neither", () =>
    Effect.gen(function*() {
      const cluster = yield* TestServer.cluster()
      const primary = yield* Connection.make({ url: member(cluster, "ol_primary").url })
      const secondary = yield* Connection.make({ url: member(cluster, "ol_sds1").url })
      assert.deepStrictEqual(
        [primary.databaseInfo.readOnly, primary.databaseInfo.loginWarnings & 0x20, primary.databaseInfo.openWarnings],
        [false, 0, 0x0005]
      )
      assert.deepStrictEqual(
        [
          secondary.databaseInfo.readOnly,
          secondary.databaseInfo.loginWarnings & 0x20,
          secondary.databaseInfo.openWarnings
        ],
        [true, 0x20, 0x0025]
      )
    }).pipe(Effect.scoped))

  it.live("a secondary refuses writes with Informix's errors and keeps temporary tables writable", () =>
    Effect.gen(function*() {
      const cluster = yield* TestServer.cluster()
      const primary = yield* Connection.make({ url: member(cluster, "ol_primary").url })
      yield* primary.execute("CREATE TABLE t (n INTEGER)")
      yield* primary.execute("INSERT INTO t VALUES (1)")
      const secondary = yield* Connection.make({ url: member(cluster, "ol_sds1").url })
      const refused = (sql: string) => Effect.map(Effect.exit(secondary.execute(sql)), sqlErrorOf)
      const codes = (e: SqlError) => [e.sqlcode, e.isamCode]
      assert.deepStrictEqual(codes(yield* refused("INSERT INTO t VALUES (2)")), [-271, -140])
      assert.deepStrictEqual(codes(yield* refused("UPDATE t SET n = 3")), [-346, -140])
      assert.deepStrictEqual(codes(yield* refused("DELETE FROM t")), [-240, -140])
      assert.deepStrictEqual(codes(yield* refused("CREATE TABLE u (n INTEGER)")), [-26097, 0])
      assert.deepStrictEqual(codes(yield* refused("DROP TABLE t")), [-26097, 0])
      assert.deepStrictEqual(codes(yield* refused("CREATE DATABASE other WITH LOG")), [-26097, 0])
      // Nothing was written, and the session is still usable, also for its own temporary tables.
      assert.deepStrictEqual(yield* primary.values("SELECT n FROM t"), [[1]])
      yield* secondary.execute("CREATE TEMP TABLE scratch (n INTEGER)")
      yield* secondary.execute("INSERT INTO scratch VALUES (7)")
      assert.deepStrictEqual(yield* secondary.values("SELECT n FROM scratch"), [[7]])
    }).pipe(Effect.scoped))

  it.live("promote moves the primary role: both servers' sessions end, the new primary writes, the old one refuses", () =>
    Effect.gen(function*() {
      const cluster = yield* TestServer.cluster()
      const oldPrimary = yield* Connection.make({ url: member(cluster, "ol_primary").url })
      const oldSecondary = yield* Connection.make({ url: member(cluster, "ol_sds1").url })
      yield* oldPrimary.execute("CREATE TABLE t (n INTEGER)")
      yield* cluster.promote("ol_sds1")
      assert.strictEqual(yield* cluster.primary, "ol_sds1")
      assert.deepStrictEqual(
        (yield* cluster.roles).map((s) => [s.name, s.role, s.running]),
        [["ol_primary", "secondary", true], ["ol_sds1", "primary", true]]
      )
      for (const dropped of [oldPrimary, oldSecondary]) {
        const exit = yield* Effect.exit(dropped.values("SELECT COUNT(*) FROM t"))
        assert.isTrue(Exit.isFailure(exit))
      }
      const newPrimary = yield* Connection.make({ url: member(cluster, "ol_sds1").url })
      assert.isFalse(newPrimary.databaseInfo.readOnly)
      yield* newPrimary.execute("INSERT INTO t VALUES (5)")
      const demoted = yield* Connection.make({ url: member(cluster, "ol_primary").url })
      assert.isTrue(demoted.databaseInfo.readOnly)
      assert.deepStrictEqual(yield* demoted.values("SELECT n FROM t"), [[5]])
      assert.strictEqual(sqlErrorOf(yield* Effect.exit(demoted.execute("INSERT INTO t VALUES (6)"))).sqlcode, -271)
    }).pipe(Effect.scoped))

  it.live("protocolTrace names the member and its role when each event happened", () =>
    Effect.gen(function*() {
      const events: Array<TestServer.ClusterTraceEvent> = []
      const cluster = yield* TestServer.cluster({ protocolTrace: (event) => events.push(event) })
      const before = yield* Connection.make({ url: member(cluster, "ol_sds1").url })
      yield* before.values("SELECT COUNT(*) FROM systables")
      yield* cluster.promote("ol_sds1")
      const after = yield* Connection.make({ url: member(cluster, "ol_sds1").url })
      yield* after.execute("CREATE TABLE traced (n INTEGER)")
      const sqlOf = (event: TestServer.ClusterTraceEvent) =>
        event._tag === "Batch"
          ? event.messages.flatMap((m) =>
            m._tag === "Prepare" || m._tag === "Command" ? [Buffer.from(m.sql).toString("latin1")] : []
          )
          : []
      const roleOf = (sql: string) =>
        events.filter((e) => e.server === "ol_sds1" && sqlOf(e).some((text) => text.includes(sql))).map((e) => e.role)
      assert.deepStrictEqual(roleOf("SELECT COUNT(*) FROM systables"), ["secondary"])
      assert.deepStrictEqual(roleOf("CREATE TABLE traced"), ["primary"])
      assert.isTrue(events.every((e) => e.server === "ol_sds1"))
    }).pipe(Effect.scoped))

  it.live("stop kills the primary mid-reply: its sessions fail typed, its port refuses, committed rows survive", () =>
    Effect.gen(function*() {
      const cluster = yield* TestServer.cluster()
      const primary = member(cluster, "ol_primary")
      const conn = yield* Connection.make({ url: primary.url })
      yield* conn.execute("CREATE TABLE t (n INTEGER)")
      yield* conn.execute("INSERT INTO t VALUES (1)")
      // A reply that trickles out: stop lands while it is being written.
      yield* primary.faults.slowReplies({ delay: "20 millis", chunkSize: 8 })
      const running = yield* Effect.forkChild(conn.values("SELECT n, tabname FROM t, systables"))
      yield* Effect.sleep("60 millis")
      yield* cluster.stop("ol_primary")
      assert.instanceOf(failureOf(yield* Fiber.await(running)), ConnectionError)
      assert.isFalse(yield* accepts(primary.port))
      assert.deepStrictEqual(
        (yield* cluster.roles).map((s) => [s.name, s.role, s.running]),
        [["ol_primary", "primary", false], ["ol_sds1", "secondary", true]]
      )
      assert.strictEqual((yield* primary.stats).sessions, 0)
      yield* primary.faults.reset
      yield* cluster.start("ol_primary")
      const again = yield* Connection.make({ url: primary.url })
      assert.deepStrictEqual(yield* again.values("SELECT n FROM t"), [[1]])
    }).pipe(Effect.scoped))

  it.live("stop under load: every writer fails typed, no acknowledged commit is lost after the failover", () =>
    Effect.gen(function*() {
      const cluster = yield* TestServer.cluster()
      const setup = yield* Connection.make({ url: member(cluster, "ol_primary").url })
      yield* setup.execute("CREATE TABLE acked (writer INTEGER, n INTEGER)")
      const acknowledged: Array<string> = []
      const writer = (id: number) =>
        Effect.gen(function*() {
          const conn = yield* Connection.make({ url: member(cluster, "ol_primary").url })
          for (let n = 0;; n++) {
            yield* conn.execute(`INSERT INTO acked VALUES (${id}, ${n})`)
            acknowledged.push(`${id}:${n}`)
          }
        }).pipe(Effect.scoped, Effect.flip)
      const writers = yield* Effect.forkChild(Effect.all(Array.from({ length: 10 }, (_, id) => writer(id)), {
        concurrency: "unbounded"
      }))
      while (acknowledged.length < 200) yield* Effect.sleep("5 millis")
      yield* cluster.stop("ol_primary")
      const errors = yield* Fiber.join(writers)
      assert.isTrue(errors.every((e) => e instanceof ConnectionError), errors.map(String).join("\n"))
      yield* cluster.promote("ol_sds1")
      const reader = yield* Connection.make({ url: member(cluster, "ol_sds1").url })
      const stored = new Set(
        (yield* reader.values("SELECT writer, n FROM acked")).map(([w, n]) => `${String(w)}:${String(n)}`)
      )
      assert.deepStrictEqual(acknowledged.filter((row) => !stored.has(row)), [])
      // At most the one INSERT each writer had in flight may have committed without its acknowledgement.
      assert.isAtMost(stored.size - acknowledged.length, 10)
    }).pipe(Effect.scoped))

  it.live("the Connection Manager redirects each service level: primary, secondaries round robin, any", () =>
    Effect.gen(function*() {
      const cluster = yield* TestServer.cluster({ secondaries: ["ol_sds1", "ol_sds2"] })
      const port = (name: string) => String(member(cluster, name).port)
      assert.deepStrictEqual(yield* redirectOf(cluster, "oltp"), {
        server: "ol_primary",
        host: "127.0.0.1",
        port: port("ol_primary")
      })
      const reports = [yield* redirectOf(cluster, "report"), yield* redirectOf(cluster, "report")]
      assert.deepStrictEqual(reports.map((r) => [r?.server, r?.port]).toSorted(), [
        ["ol_sds1", port("ol_sds1")],
        ["ol_sds2", port("ol_sds2")]
      ])
      const any = new Set<string | undefined>()
      for (let i = 0; i < 3; i++) any.add((yield* redirectOf(cluster, "any"))?.server)
      assert.deepStrictEqual([...any].toSorted(), ["ol_primary", "ol_sds1", "ol_sds2"])
      // After a failover the primary's service level follows the new primary; stopped servers are skipped.
      yield* cluster.stop("ol_primary")
      yield* cluster.promote("ol_sds2")
      assert.strictEqual((yield* redirectOf(cluster, "oltp"))?.server, "ol_sds2")
      assert.strictEqual((yield* redirectOf(cluster, "report"))?.server, "ol_sds1")
      assert.strictEqual((yield* redirectOf(cluster, "report"))?.server, "ol_sds1")
    }).pipe(Effect.scoped))

  it.live("the Connection Manager refuses a login with -908 when no server fits, and a wrong name with -761", () =>
    Effect.gen(function*() {
      const cluster = yield* TestServer.cluster()
      const report = cluster.serviceLevels.find((l) => l.name === "report")!
      yield* cluster.stop("ol_sds1")
      const none = yield* loginReply(report.port, "report")
      assert.deepStrictEqual([none.slType, none.svcError], [3, -908])
      const wrong = yield* loginReply(report.port, "ol_primary")
      assert.deepStrictEqual([wrong.slType, wrong.svcError], [3, -761])
    }).pipe(Effect.scoped))

  it.live("test aids: a service level redirects to another (chains, loops) or sends a fixed detail", () =>
    Effect.gen(function*() {
      const cluster = yield* TestServer.cluster({
        serviceLevels: [
          { name: "front", route: { serviceLevel: "oltp" } },
          { name: "oltp", route: "primary" },
          { name: "ping", route: { serviceLevel: "pong" } },
          { name: "pong", route: { serviceLevel: "ping" } },
          { name: "broken", route: { detail: "nowhere:127.0.0.1:notaport" } }
        ]
      })
      const port = (sla: string) => String(cluster.serviceLevels.find((l) => l.name === sla)!.port)
      assert.deepStrictEqual(yield* redirectOf(cluster, "front"), {
        server: "oltp",
        host: "127.0.0.1",
        port: port("oltp")
      })
      assert.deepStrictEqual(yield* redirectOf(cluster, "ping"), {
        server: "pong",
        host: "127.0.0.1",
        port: port("pong")
      })
      assert.deepStrictEqual(yield* redirectOf(cluster, "pong"), {
        server: "ping",
        host: "127.0.0.1",
        port: port("ping")
      })
      assert.deepStrictEqual(yield* redirectOf(cluster, "broken"), {
        server: "nowhere",
        host: "127.0.0.1",
        port: "notaport"
      })
      const unknown = yield* Effect.exit(
        TestServer.cluster({ serviceLevels: [{ name: "a", route: { serviceLevel: "b" } }] })
      )
      assert.isTrue(Exit.isFailure(unknown))
    }).pipe(Effect.scoped))

  it.live("rejects unknown members and duplicate names", () =>
    Effect.gen(function*() {
      const cluster = yield* TestServer.cluster()
      assert.isTrue(Exit.isFailure(yield* Effect.exit(cluster.promote("nope"))))
      yield* cluster.stop("ol_sds1")
      const promoteStopped = yield* Effect.exit(cluster.promote("ol_sds1"))
      assert.isTrue(Exit.isFailure(promoteStopped))
      const duplicate = yield* Effect.exit(TestServer.cluster({ primary: "a", secondaries: ["A"] }))
      assert.isTrue(Exit.isFailure(duplicate))
    }).pipe(Effect.scoped))
})

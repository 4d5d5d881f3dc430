/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
import { assert, describe, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { sendUrgentByte, urgentSupport } from "../../src/internal/urgent.ts"
import * as TestServer from "../../src/TestServer.ts"
import { connect, errOf, golden, prepare, session, tags } from "./wire.ts"

/** A throwaway self-signed certificate for localhost, made with the openssl CLI. */
const selfSigned = (() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ifx-tls-"))
  const key = path.join(dir, "key.pem")
  const cert = path.join(dir, "cert.pem")
  execFileSync("openssl", [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    key,
    "-out",
    cert,
    "-days",
    "1",
    "-subj",
    "/CN=localhost",
    "-addext",
    "subjectAltName=DNS:localhost,IP:127.0.0.1"
  ], { stdio: "ignore" })
  return { key: fs.readFileSync(key), cert: fs.readFileSync(cert) }
})()

describe("TestServer TLS listener", () => {
  it.live("a TLS client logs in on the TLS port (TLS from byte 0) and runs a query", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make({ tls: { key: selfSigned.key, cert: selfSigned.cert } })
      assert.isDefined(server.tlsPort)
      assert.notStrictEqual(server.tlsPort, server.port)
      assert.strictEqual(server.tlsUrl?.endsWith("&tls=true"), true)
      const client = yield* session(server.tlsPort!, { tls: { ca: selfSigned.cert } })
      const group = yield* prepare(client, "SELECT tabname FROM systables WHERE tabid = 1")
      assert.strictEqual(tags(group), "Describe Done Cost Eot")
    }))

  it.live("a plaintext client on the TLS port fails fast instead of hanging", () =>
    Effect.gen(function*() {
      const server = yield* TestServer.make({ tls: { key: selfSigned.key, cert: selfSigned.cert } })
      const client = yield* connect(server.tlsPort!)
      const started = yield* Clock.currentTimeMillis
      yield* client.write(golden("jdbc-login-testdb"))
      yield* client.closed
      assert.isBelow((yield* Clock.currentTimeMillis) - started, 2000)
      assert.isFalse(client.received().some((b, i) => i === 2 && b === 2))
    }))

  it.live.runIf(urgentSupport() !== "none")(
    "the urgent byte interrupts a statement over TLS",
    () =>
      Effect.gen(function*() {
        const server = yield* TestServer.make({ tls: { key: selfSigned.key, cert: selfSigned.cert } })
        const client = yield* session(server.tlsPort!, { tls: { ca: selfSigned.cert } })
        yield* prepare(client, TestServer.sleepSql(30))
        yield* client.send([{ _tag: "Id", statementId: 0 }, { _tag: "Execute" }, { _tag: "Eot" }])
        yield* Effect.sleep(150)
        const sent = yield* Clock.currentTimeMillis
        assert.isTrue(yield* sendUrgentByte(client.socket))
        const group = yield* client.group
        assert.strictEqual(errOf(group)?.sqlcode, -213)
        assert.isBelow((yield* Clock.currentTimeMillis) - sent, 1000)
        // The TLS stream is intact: the session keeps working.
        yield* client.send([{ _tag: "VersionRequest" }, { _tag: "Eot" }])
        assert.strictEqual(tags(yield* client.group), "Version Eot")
      })
  )
})

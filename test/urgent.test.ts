import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Net from "node:net"
import * as Tls from "node:tls"
import { enableOobInline, readUrgentByte, sendUrgentByteNow, socketFd, urgentSupport } from "../src/internal/urgent.ts"
import { laneUrgent } from "./lanes/urgentSwitch.ts"
import { needsUrgent, sendUrgentByte } from "./urgentSupport.ts"

// node:ffi ships with the Node 26 this project runs on; on Linux/macOS urgent data must therefore be available —
// through the mechanism a Node lane asks for (test/lanes/run.ts), which may be none at all.
const platform = process.platform === "linux" || process.platform === "darwin"
const supported = platform && urgentSupport() !== "none"

interface Received {
  readonly bytes: Array<number>
  readonly waitFor: (count: number) => Effect.Effect<void>
}

const collector = (socket: Net.Socket | Tls.TLSSocket): Received => {
  const bytes: Array<number> = []
  const waiters: Array<() => void> = []
  socket.on("data", (chunk: Buffer) => {
    bytes.push(...chunk)
    for (const wake of waiters.splice(0)) wake()
  })
  const waitFor = (count: number): Effect.Effect<void> =>
    Effect.callback<void>((resume) => {
      const check = () => {
        if (bytes.length >= count) resume(Effect.void)
        else waiters.push(check)
      }
      check()
    }).pipe(Effect.timeout("5 seconds"), Effect.orDie)
  return { bytes, waitFor }
}

const listen = (server: Net.Server) =>
  Effect.acquireRelease(
    Effect.callback<number>((resume) => {
      server.listen(0, "127.0.0.1", () => resume(Effect.succeed((server.address() as Net.AddressInfo).port)))
    }),
    () => Effect.sync(() => server.close())
  )

const connected = <S extends Net.Socket>(socket: S, event: "connect" | "secureConnect") =>
  Effect.acquireRelease(
    Effect.callback<S>((resume) => {
      socket.once(event, () => resume(Effect.succeed(socket)))
      socket.once("error", (error) => resume(Effect.die(error)))
    }),
    (s) => Effect.sync(() => s.destroy())
  )

const accepted = <S extends Net.Socket>(server: Net.Server, event: "connection" | "secureConnection") =>
  Effect.acquireRelease(
    Effect.callback<S>((resume) => {
      server.once(event, (socket: S) => resume(Effect.succeed(socket)))
    }),
    (s) => Effect.sync(() => s.destroy())
  )

// The accept listener is registered first (Effect.all starts its effects in order), then the client connects.
const socketPair = <C extends Net.Socket, S extends Net.Socket>(
  server: Net.Server,
  connect: (port: number) => C,
  events: { readonly client: "connect" | "secureConnect"; readonly server: "connection" | "secureConnection" }
) =>
  Effect.gen(function*() {
    const port = yield* listen(server)
    const [serverSide, client] = yield* Effect.all([
      accepted<S>(server, events.server),
      Effect.suspend(() => connected(connect(port), events.client))
    ], { concurrency: 2 })
    return { client, serverSide }
  })

// Self-signed P-256 certificate for CN=localhost, valid until 2126; test-only.
const testKey = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgbrhJrXd0UUGKSRM3
8NUUi3NKcsIZs4bz+ePCyUGHiDChRANCAAQKpweKRQb3YpsHnQEDjXaurl4ppN9a
R6s76i+zdnkuSvGhokXQxk161176/VQy6VTJDPDBD3g3RdlY5pyZPyLO
-----END PRIVATE KEY-----`
const testCert = `-----BEGIN CERTIFICATE-----
MIIBgDCCASWgAwIBAgIUBkIBINFsVliEGSt+KVwkksjicFIwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyNTEzNDg1M1oYDzIxMjYxMTAx
MTM0ODUzWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAQKpweKRQb3YpsHnQEDjXaurl4ppN9aR6s76i+zdnkuSvGhokXQxk16
1176/VQy6VTJDPDBD3g3RdlY5pyZPyLOo1MwUTAdBgNVHQ4EFgQUrdFgxWMGNLtw
AlPXt8XRFEwLWSAwHwYDVR0jBBgwFoAUrdFgxWMGNLtwAlPXt8XRFEwLWSAwDwYD
VR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNJADBGAiEAnyymMfdB0DiraYQ31lAg
5HaQySkEcN9f5yaHSoW6YG0CIQD8CBhwo9lfqJXy/B6SytUPMAHwTRsgnwhd94ae
SINnyg==
-----END CERTIFICATE-----`

/** A connected plain TCP client and its server-side socket (a new server each time). */
const tcpPair = Effect.suspend(() =>
  socketPair<Net.Socket, Net.Socket>(
    Net.createServer(),
    (port) => Net.connect(port, "127.0.0.1"),
    { client: "connect", server: "connection" }
  )
)

const write = (socket: Net.Socket, bytes: ReadonlyArray<number>) =>
  Effect.callback<void>((resume) => {
    socket.write(Uint8Array.from(bytes), () => resume(Effect.void))
  })

// A short pause so each write leaves the client as its own TCP segment; urgent data is ordered by the kernel
// anyway, the pause only makes the test independent of Nagle coalescing.
const settle = Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 30)))

describe("urgent data", () => {
  it("reports a mechanism, memoised", () => {
    const first = urgentSupport()
    assert.strictEqual(urgentSupport(), first)
    if (platform) assert.strictEqual(first, laneUrgent() ?? "ffi")
  })

  it.live.runIf(supported)(
    needsUrgent("plain TCP: the urgent byte arrives inline, between the ordinary bytes, on an SO_OOBINLINE socket"),
    () =>
      Effect.gen(function*() {
        const { client, serverSide } = yield* tcpPair
        assert.isTrue(yield* enableOobInline(serverSide))
        const received = collector(serverSide)

        yield* write(client, [0x00, 0x01])
        yield* received.waitFor(2)
        assert.isTrue(yield* sendUrgentByte(client))
        yield* settle
        yield* write(client, [0x00, 0x0c])
        yield* received.waitFor(5)
        assert.deepStrictEqual(received.bytes, [0x00, 0x01, 0x42, 0x00, 0x0c])
      })
  )

  it.live.runIf(supported)(
    needsUrgent("plain TCP without SO_OOBINLINE: the byte stays out of the stream and readUrgentByte takes it once"),
    () =>
      Effect.gen(function*() {
        const { client, serverSide } = yield* tcpPair
        const received = collector(serverSide)

        assert.strictEqual(yield* readUrgentByte(serverSide), undefined)
        yield* write(client, [0x00, 0x01])
        yield* received.waitFor(2)
        assert.isTrue(yield* sendUrgentByte(client, 0x37))
        yield* settle
        assert.strictEqual(yield* readUrgentByte(serverSide), 0x37)
        assert.strictEqual(yield* readUrgentByte(serverSide), undefined)
        yield* write(client, [0x00, 0x0c])
        yield* received.waitFor(4)
        yield* settle
        assert.deepStrictEqual(received.bytes, [0x00, 0x01, 0x00, 0x0c])
      })
  )

  it.live.runIf(supported)(
    needsUrgent("TLS: the byte travels on the TCP socket beneath; the TLS stream stays intact when OOB inline is off"),
    () =>
      Effect.gen(function*() {
        const server = Tls.createServer({ key: testKey, cert: testCert })
        // The raw TCP socket under the server's TLS socket: urgent data is read there.
        const rawSockets: Array<Net.Socket> = []
        server.on("connection", (raw: Net.Socket) => rawSockets.push(raw))
        const { client, serverSide } = yield* socketPair<Tls.TLSSocket, Tls.TLSSocket>(
          server,
          (port) => Tls.connect({ port, host: "127.0.0.1", rejectUnauthorized: false }),
          { client: "secureConnect", server: "secureConnection" }
        )
        assert.isDefined(socketFd(client))
        const received = collector(serverSide)

        yield* write(client, [0x00, 0x01])
        yield* received.waitFor(2)
        assert.isTrue(yield* sendUrgentByte(client))
        yield* settle
        assert.strictEqual(yield* readUrgentByte(rawSockets[0]!), 0x42)
        yield* write(client, [0x00, 0x0c])
        yield* received.waitFor(4)
        assert.deepStrictEqual(received.bytes, [0x00, 0x01, 0x00, 0x0c])
      })
  )

  it.live.runIf(supported)(
    needsUrgent("sendUrgentByteNow sends nothing while Node still buffers an earlier write, and sends once drained"),
    () =>
      Effect.gen(function*() {
        const { client, serverSide } = yield* tcpPair
        assert.isTrue(yield* enableOobInline(serverSide))
        const received = collector(serverSide)
        // Corked: the write stays in Node's buffer, as a large batch does while the kernel's buffer is full.
        client.cork()
        client.write(Uint8Array.of(0x00, 0x01))
        assert.isAbove(client.writableLength, 0)
        assert.strictEqual(sendUrgentByteNow(client), "queued")
        client.uncork()
        yield* received.waitFor(2)
        yield* Effect.callback<void>((resume) => {
          if (client.writableLength === 0) resume(Effect.void)
          else client.once("drain", () => resume(Effect.void))
        })
        assert.strictEqual(sendUrgentByteNow(client), "sent")
        yield* received.waitFor(3)
        // The urgent byte came after the buffered bytes, never in the middle of them.
        assert.deepStrictEqual(received.bytes, [0x00, 0x01, 0x42])
      })
  )

  it.live.runIf(supported)(
    needsUrgent("a byte the kernel refuses is reported as failed, not sent (send() on a listening socket: ENOTCONN)"),
    () =>
      Effect.gen(function*() {
        const server = yield* Effect.acquireRelease(
          Effect.callback<Net.Server>((resume) => {
            const listening = Net.createServer()
            listening.listen(0, "127.0.0.1", () => resume(Effect.succeed(listening)))
          }),
          (listening) => Effect.sync(() => listening.close())
        )
        // An open descriptor whose send() the kernel refuses: the socket checks pass, only the result can say no.
        const refusing = { destroyed: false, writableLength: 0, _handle: Reflect.get(server, "_handle") }
        assert.isDefined(socketFd(refusing as unknown as Net.Socket))
        assert.strictEqual(sendUrgentByteNow(refusing as unknown as Net.Socket), "failed")
      })
  )

  it.live("returns false for a socket that is closed", () =>
    Effect.gen(function*() {
      const socket = new Net.Socket()
      assert.strictEqual(socketFd(socket), undefined)
      assert.isFalse(yield* sendUrgentByte(socket))
      assert.strictEqual(sendUrgentByteNow(socket), supported ? "closed" : "unsupported")
      assert.isFalse(yield* enableOobInline(socket))
      assert.strictEqual(yield* readUrgentByte(socket), undefined)
    }))
})

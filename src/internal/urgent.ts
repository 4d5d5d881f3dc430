/**
 * TCP urgent (out-of-band) data: how an SQLI client interrupts a running statement, and how a server notices it.
 *
 * IBM JDBC's `Statement.cancel()` sends one byte, 0x42, as TCP urgent data on the session's own socket; the server
 * answers the interrupted request with SQ_ERR -213 (SQLI.md §8.12). Node's `net` API can neither send nor receive
 * urgent data, so this module calls libc directly on the socket's file descriptor:
 *
 * - `node:ffi` (Node 26+, experimental: it prints one ExperimentalWarning when first loaded), or
 * - the optional `koffi` package, if the application installed it (never a dependency of ours), or
 * - nothing: `urgentSupport()` is `"none"` and the caller falls back to draining the reply with a deadline and
 *   retiring the session.
 *
 * TLS: urgent data travels on the TCP socket underneath, outside the TLS records. Verified on Node 26.10 / Linux:
 * a TLS server that leaves SO_OOBINLINE off keeps an intact TLS stream and can fetch the byte with
 * `readUrgentByte`; one that turns SO_OOBINLINE on receives 0x42 inside the TLS record stream and the handshake
 * layer fails ("bad record type"). So `enableOobInline` is for plain-TCP servers only.
 *
 * Platforms: Linux and macOS (constants below). Windows socket handles are not file descriptors → `"none"`.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import { createRequire } from "node:module"
import type * as Net from "node:net"

/** Which mechanism can send urgent data in this process. */
export type UrgentSupport = "ffi" | "koffi" | "none"

interface SocketConstants {
  readonly SOL_SOCKET: number
  readonly SO_OOBINLINE: number
  readonly MSG_OOB: number
  readonly MSG_DONTWAIT: number
}

// From <sys/socket.h>. MSG_OOB is 1 everywhere; the rest differ between Linux and the BSDs (macOS).
const constantsByPlatform: Partial<Record<NodeJS.Platform, SocketConstants>> = {
  linux: { SOL_SOCKET: 1, SO_OOBINLINE: 10, MSG_OOB: 1, MSG_DONTWAIT: 0x40 },
  android: { SOL_SOCKET: 1, SO_OOBINLINE: 10, MSG_OOB: 1, MSG_DONTWAIT: 0x40 },
  darwin: { SOL_SOCKET: 0xffff, SO_OOBINLINE: 0x100, MSG_OOB: 1, MSG_DONTWAIT: 0x80 },
  freebsd: { SOL_SOCKET: 0xffff, SO_OOBINLINE: 0x100, MSG_OOB: 1, MSG_DONTWAIT: 0x80 }
}

/** The three libc calls we need, bound by whichever FFI is available. Each returns the C return value. */
interface SocketCalls {
  readonly kind: "ffi" | "koffi"
  readonly constants: SocketConstants
  readonly send: (fd: number, data: Uint8Array, flags: number) => number
  readonly recv: (fd: number, into: Uint8Array, flags: number) => number
  readonly setsockopt: (fd: number, level: number, name: number, value: Uint8Array) => number
}

// The subset of node:ffi (Node 26.10) used here; @types/node does not describe the module yet.
interface NodeFfi {
  readonly dlopen: (
    path: string | null,
    definitions: Record<string, { readonly arguments: ReadonlyArray<string>; readonly return: string }>
  ) => { readonly functions: Record<string, (...args: ReadonlyArray<unknown>) => unknown> }
}

// The subset of koffi (2.x/3.x) used here.
interface Koffi {
  readonly load: (path: string) => {
    readonly func: (prototype: string) => (...args: ReadonlyArray<unknown>) => unknown
  }
}

const is64Bit = process.arch === "x64" || process.arch === "arm64" || process.arch === "ppc64" ||
  process.arch === "s390x" || process.arch === "riscv64" || process.arch === "loong64"

// size_t / ssize_t: 64-bit integers are passed to node:ffi as bigint.
const sizeType = is64Bit ? "uint64" : "uint32"
const ssizeType = is64Bit ? "int64" : "int32"
const toSize = (n: number): bigint | number => (is64Bit ? BigInt(n) : n)

const bindNodeFfi = (constants: SocketConstants): Result.Result<SocketCalls, unknown> =>
  Result.try(() => {
    const ffi = process.getBuiltinModule("node:ffi") as NodeFfi | undefined
    if (ffi === undefined) throw new Error("node:ffi is not available")
    // dlopen(null) = the process's own global symbols, which include libc (glibc, musl, macOS libSystem).
    const { functions } = ffi.dlopen(null, {
      send: { arguments: ["int32", "buffer", sizeType, "int32"], return: ssizeType },
      recv: { arguments: ["int32", "buffer", sizeType, "int32"], return: ssizeType },
      setsockopt: { arguments: ["int32", "int32", "int32", "buffer", "uint32"], return: "int32" }
    })
    const send = functions.send!
    const recv = functions.recv!
    const setsockopt = functions.setsockopt!
    const calls: SocketCalls = {
      kind: "ffi",
      constants,
      send: (fd, data, flags) => Number(send(fd, data, toSize(data.length), flags)),
      recv: (fd, into, flags) => Number(recv(fd, into, toSize(into.length), flags)),
      setsockopt: (fd, level, name, value) => Number(setsockopt(fd, level, name, value, value.length))
    }
    return calls
  })

const libcCandidates: Partial<Record<NodeJS.Platform, ReadonlyArray<string>>> = {
  linux: ["libc.so.6", "libc.so"],
  android: ["libc.so"],
  darwin: ["libSystem.B.dylib"],
  freebsd: ["libc.so.7"]
}

const bindKoffi = (constants: SocketConstants): Result.Result<SocketCalls, unknown> =>
  Result.try(() => {
    // Resolved from the application's node_modules; koffi is optional and never installed by us.
    const koffi = createRequire(import.meta.url)("koffi") as Koffi
    let lib: ReturnType<Koffi["load"]> | undefined
    for (const path of libcCandidates[process.platform] ?? []) {
      const loaded = Result.try(() => koffi.load(path))
      if (Result.isSuccess(loaded)) {
        lib = loaded.success
        break
      }
    }
    if (lib === undefined) throw new Error("libc not found")
    const send = lib.func("intptr_t send(int fd, const void *buf, size_t len, int flags)")
    const recv = lib.func("intptr_t recv(int fd, void *buf, size_t len, int flags)")
    const setsockopt = lib.func("int setsockopt(int fd, int level, int name, const void *value, uint32_t len)")
    const calls: SocketCalls = {
      kind: "koffi",
      constants,
      send: (fd, data, flags) => Number(send(fd, data, data.length, flags)),
      recv: (fd, into, flags) => Number(recv(fd, into, into.length, flags)),
      setsockopt: (fd, level, name, value) => Number(setsockopt(fd, level, name, value, value.length))
    }
    return calls
  })

const loadSocketCalls = (): SocketCalls | undefined => {
  const constants = constantsByPlatform[process.platform]
  if (constants === undefined) return undefined
  const viaFfi = bindNodeFfi(constants)
  if (Result.isSuccess(viaFfi)) return viaFfi.success
  const viaKoffi = bindKoffi(constants)
  return Result.isSuccess(viaKoffi) ? viaKoffi.success : undefined
}

// Memo: `null` = looked and found nothing. Loading is attempted once per process.
let socketCalls: SocketCalls | null | undefined

const getSocketCalls = (): SocketCalls | undefined => {
  if (socketCalls === undefined) socketCalls = loadSocketCalls() ?? null
  return socketCalls ?? undefined
}

/**
 * Which mechanism this process can use to send urgent data. Memoised; never throws. The first call may print
 * Node's ExperimentalWarning for `node:ffi`.
 */
export const urgentSupport = (): UrgentSupport => getSocketCalls()?.kind ?? "none"

// Node keeps the libuv handle (whose `fd` getter returns the descriptor) in the undocumented `_handle` field, and a
// TLSSocket layered over another socket keeps that socket in `_parent`. Read both reflectively: they are internals.
const fdOf = (socket: unknown): number | undefined => {
  const handle: unknown = typeof socket === "object" && socket !== null ? Reflect.get(socket, "_handle") : undefined
  const fd: unknown = typeof handle === "object" && handle !== null ? Reflect.get(handle, "fd") : undefined
  return typeof fd === "number" && fd >= 0 ? fd : undefined
}

/**
 * The file descriptor of the TCP socket under a `net.Socket` or `tls.TLSSocket`. A TLSSocket's own handle reports
 * the TCP fd when TLS runs directly on a connection; when it was layered over an existing socket
 * (`tls.connect({ socket })`) the fd is on that parent socket.
 */
export const socketFd = (socket: Net.Socket): number | undefined => fdOf(socket) ?? fdOf(Reflect.get(socket, "_parent"))

/**
 * What `sendUrgentByteNow` did: `sent` (the kernel took the byte), `unsupported` (no FFI here), `queued` (Node
 * still buffers part of an earlier write, so urgent data sent now would overtake it and land in the middle of a
 * message: nothing was sent, try again once the buffer is empty), `closed` (the socket is gone), `failed` (`send`
 * refused it).
 */
export type UrgentSendResult = "sent" | "unsupported" | "queued" | "closed" | "failed"

/**
 * Sends one byte (default 0x42, what IBM JDBC sends) as TCP urgent data on the socket, synchronously, or says why
 * not. It checks everything it relies on itself (FFI present, socket open, Node's write buffer empty) and never
 * waits or throws, so a caller can decide "is this exchange still in flight?" and send in one synchronous step.
 */
export const sendUrgentByteNow = (socket: Net.Socket, byte = 0x42): UrgentSendResult => {
  const calls = getSocketCalls()
  if (calls === undefined) return "unsupported"
  if (socket.destroyed) return "closed"
  if (socket.writableLength > 0) return "queued"
  const fd = socketFd(socket)
  if (fd === undefined) return "closed"
  const sent = Result.try(() => calls.send(fd, Uint8Array.of(byte & 0xff), calls.constants.MSG_OOB))
  return Result.isSuccess(sent) && sent.success === 1 ? "sent" : "failed"
}

/**
 * Server side, plain TCP only: sets SO_OOBINLINE so a client's urgent byte arrives in the ordinary `data` stream,
 * in order between the messages around it. `true` when set. Do not use under TLS (see the module comment).
 */
export const enableOobInline = (socket: Net.Socket): Effect.Effect<boolean> =>
  Effect.sync(() => {
    const calls = getSocketCalls()
    const fd = socketFd(socket)
    if (calls === undefined || fd === undefined) return false
    // A C int with value 1, in host byte order (Int32Array uses the platform's endianness).
    const one = new Uint8Array(Int32Array.of(1).buffer)
    const { SOL_SOCKET, SO_OOBINLINE } = calls.constants
    const set = Result.try(() => calls.setsockopt(fd, SOL_SOCKET, SO_OOBINLINE, one))
    return Result.isSuccess(set) && set.success === 0
  })

/**
 * Server side, with SO_OOBINLINE off (the default; required under TLS): takes a pending urgent byte without
 * blocking. `undefined` when none is pending or urgent data is unsupported. Each urgent byte is returned once.
 */
export const readUrgentByte = (socket: Net.Socket): Effect.Effect<number | undefined> =>
  Effect.sync(() => {
    const calls = getSocketCalls()
    const fd = socketFd(socket)
    if (calls === undefined || fd === undefined) return undefined
    const into = new Uint8Array(1)
    const { MSG_OOB, MSG_DONTWAIT } = calls.constants
    // -1 with EINVAL (nothing urgent pending) or EAGAIN; 1 when the byte was taken.
    const received = Result.try(() => calls.recv(fd, into, MSG_OOB | MSG_DONTWAIT))
    return Result.isSuccess(received) && received.success === 1 ? into[0] : undefined
  })

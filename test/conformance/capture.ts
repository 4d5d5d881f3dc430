/**
 * Byte capture for the conformance comparison: a recording TCP proxy in front of a server, and the helpers that cut
 * a recorded conversation into turns and mask a login PDU's client-identity fields.
 *
 * SQLI is strictly request/response for the clients we record (one client batch, then the server's reply group up
 * to SQ_EOT), so a "turn" — the bytes one side sends before the other side speaks — is exactly one client batch or
 * one reply group. No message-level parser is needed to line up two clients' conversations.
 */
import * as net from "node:net"

export type Direction = "client" | "server"

/** The bytes one side sent before the other side spoke. */
export interface Turn {
  readonly direction: Direction
  readonly bytes: Uint8Array
}

/** One proxied TCP connection. */
export interface Recording {
  readonly turns: () => ReadonlyArray<Turn>
}

export interface RecordingProxy {
  readonly port: number
  /** Connections in the order they were accepted. */
  readonly recordings: () => ReadonlyArray<Recording>
  readonly close: () => Promise<void>
}

/** Starts a proxy on 127.0.0.1 (ephemeral port) forwarding every connection to `target` and recording both ways. */
export const startRecordingProxy = (target: { readonly host: string; readonly port: number }) =>
  new Promise<RecordingProxy>((resolve, reject) => {
    const recordings: Array<Recording> = []
    const sockets = new Set<net.Socket>()
    const server = net.createServer((downstream) => {
      const turns: Array<{ direction: Direction; chunks: Array<Buffer> }> = []
      const record = (direction: Direction, chunk: Buffer): void => {
        const last = turns.at(-1)
        if (last !== undefined && last.direction === direction) last.chunks.push(chunk)
        else turns.push({ direction, chunks: [chunk] })
      }
      recordings.push({
        turns: () =>
          turns.map((turn) => ({ direction: turn.direction, bytes: new Uint8Array(Buffer.concat(turn.chunks)) }))
      })
      const upstream = net.connect({ host: target.host, port: target.port, noDelay: true })
      downstream.setNoDelay(true)
      sockets.add(downstream)
      sockets.add(upstream)
      downstream.on("data", (chunk: Buffer) => {
        record("client", chunk)
        upstream.write(chunk)
      })
      upstream.on("data", (chunk: Buffer) => {
        record("server", chunk)
        downstream.write(chunk)
      })
      const end = (): void => {
        downstream.destroy()
        upstream.destroy()
        sockets.delete(downstream)
        sockets.delete(upstream)
      }
      downstream.on("close", end)
      upstream.on("close", end)
      downstream.on("error", end)
      upstream.on("error", end)
    })
    server.on("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address() as net.AddressInfo
      resolve({
        port: address.port,
        recordings: () => recordings,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy()
            server.close(() => done())
          })
      })
    })
  })

export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex")

export const u16 = (bytes: Uint8Array, offset: number): number => ((bytes[offset]! << 8) | bytes[offset + 1]!) >>> 0

/** The first message tag of a post-login client batch (SQ_PREPARE 2, SQ_ID 4, SQ_CMMTWORK 19, …). */
export const firstTag = (bytes: Uint8Array): number => u16(bytes, 0)

/** Informix login PDU markers (golden/README.md, "Login PDU"). */
const SQ_ASCPINFO = 0x006b
const SQ_ASCMISC_60 = 0x0074
const SQ_ASCEOT = 0x007f

/**
 * A login PDU with its client-identity fields masked, as text that two clients' logins can be compared on.
 *
 * Kept exactly: every byte from the SL header's type to the SQ_ASCPINFO marker (versions, capabilities, user,
 * password, server name, environment). Masked: the total length (it depends on the identity strings), and inside
 * SQ_ASCPINFO / SQ_ASCMISC_60 the process id, thread id, hostname, working directory, body length and app name — their
 * structure (markers, reserved words, which fields are present) is still compared.
 */
export const maskLogin = (login: Uint8Array): string => {
  const parts: Array<string> = ["len=<masked>", hex(login.subarray(2, findMarker(login, SQ_ASCPINFO)))]
  let offset = findMarker(login, SQ_ASCPINFO)
  if (offset >= login.length) return parts.join(" ") + " (no SQ_ASCPINFO)"
  const str = (): string => {
    const length = u16(login, offset)
    offset += 2 + length
    return length === 0 ? "str(empty)" : "str(<masked>)"
  }
  const word = (bytes: number, masked: boolean): string => {
    const value = hex(login.subarray(offset, offset + bytes))
    offset += bytes
    return masked ? "<masked>" : value
  }
  parts.push("pinfo", word(2, false), word(4, false), "pid=" + word(4, true), "tid=" + word(4, true))
  parts.push("host=" + str(), word(2, false), "cwd=" + str())
  if (u16(login, offset) === SQ_ASCMISC_60) {
    parts.push("misc", word(2, false), "len=" + word(2, true), word(4, false), word(4, false), "app=" + str())
  }
  parts.push("rest", hex(login.subarray(offset)))
  if (u16(login, login.length - 2) !== SQ_ASCEOT) parts.push("(no SQ_ASCEOT at the end)")
  return parts.join(" ")
}

/**
 * Offset of `marker` followed by a zero i32 (SQ_ASCPINFO's reserved word). Everything before PINFO is text or small
 * numbers, so this pair cannot occur earlier; the fields themselves are not aligned, hence the byte-wise scan.
 */
const findMarker = (bytes: Uint8Array, marker: number): number => {
  for (let offset = 6; offset + 1 < bytes.length; offset++) {
    if (u16(bytes, offset) === marker && u16(bytes, offset + 2) === 0 && u16(bytes, offset + 4) === 0) return offset
  }
  return bytes.length
}

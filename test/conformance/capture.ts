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

/** One client message of a post-login batch, as far as `parseClientTurn` knows its layout. */
export interface ClientMessage {
  readonly name: string
  /** The message's bytes (for an opaque message: everything from its tag to the end of the turn). */
  readonly bytes: Uint8Array
  /** Hex with per-session values masked: statement ids as `<id>`, cursor names as `<cursor>`. */
  readonly masked: string
  /** SQL text of SQ_PREPARE / SQ_COMMAND. */
  readonly sql?: string
}

const bare: Readonly<Record<number, string>> = {
  0x0006: "SQ_OPEN",
  0x0007: "SQ_EXECUTE",
  0x000a: "SQ_CLOSE",
  0x000b: "SQ_RELEASE",
  0x000c: "SQ_EOT",
  0x0013: "SQ_CMMTWORK",
  0x0016: "SQ_NDESCRIBE",
  0x0023: "SQ_BEGIN",
  0x0031: "SQ_WANTDONE",
  0x0038: "SQ_EXIT",
  0x007c: "SQ_CIDESCRIBE"
}

/** Messages whose bodies this parser does not walk; the rest of the turn is kept as one opaque item. */
const opaque: Readonly<Record<number, string>> = {
  0x0005: "SQ_BIND",
  0x0051: "SQ_INFO",
  0x0026: "SQ_FETCHBLOB",
  0x0029: "SQ_BBIND"
}

const i32 = (bytes: Uint8Array, offset: number): number =>
  ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0

/** Length of a byte run plus its pad byte when odd (SQLI.md §1.2). */
const padded = (length: number): number => length + (length & 1)

/**
 * Splits a post-login client turn into messages (SQLI.md §6/§7 layouts of the messages JDBC and our client send
 * in the compared operations). Parsing stops at the first message whose layout it does not walk: that message and
 * everything after it become one opaque item, compared byte for byte.
 */
export const parseClientTurn = (turn: Uint8Array): ReadonlyArray<ClientMessage> => {
  const messages: Array<ClientMessage> = []
  let offset = 0
  const take = (name: string, end: number, masked?: string, sql?: string): void => {
    const bytes = turn.subarray(offset, end)
    messages.push({ name, bytes, masked: masked ?? hex(bytes), ...(sql === undefined ? {} : { sql }) })
    offset = end
  }
  while (offset + 1 < turn.length) {
    const tag = u16(turn, offset)
    const bareName = bare[tag]
    if (bareName !== undefined) {
      take(bareName, offset + 2)
      continue
    }
    switch (tag) {
      case 0x0001:
      case 0x0002: {
        const length = i32(turn, offset + 4)
        const sql = Buffer.from(turn.subarray(offset + 8, offset + 8 + length)).toString("latin1")
        take(tag === 1 ? "SQ_COMMAND" : "SQ_PREPARE", offset + 8 + padded(length), undefined, sql)
        break
      }
      case 0x0003: {
        const length = u16(turn, offset + 2)
        take("SQ_CURNAME", offset + 4 + padded(length), "0003<cursor>")
        break
      }
      case 0x0004:
        take("SQ_ID", offset + 4, "0004<id>")
        break
      case 0x0009:
        take("SQ_NFETCH", offset + 8)
        break
      case 0x0014:
        take("SQ_RBWORK", offset + 4)
        break
      case 0x0024: {
        const length = u16(turn, offset + 2)
        take("SQ_DBOPEN", offset + 4 + padded(length) + 2)
        break
      }
      case 0x0064: {
        // u16 direction, u16 count, per column u16 type [owner, name as char forms for 43/44/45] i32 length.
        const columns = u16(turn, offset + 4)
        let end = offset + 6
        for (let i = 0; i < columns && end < turn.length; i++) {
          const code = u16(turn, end) & 0xff
          end += 2
          if (code === 43 || code === 44 || code === 45) {
            end += 2 + padded(u16(turn, end))
            end += 2 + padded(u16(turn, end))
          }
          end += 4
        }
        take("SQ_RET_TYPE", end)
        break
      }
      case 0x007e: {
        const length = u16(turn, offset + 2)
        take("SQ_PROTOCOLS", offset + 4 + padded(length))
        break
      }
      default:
        take(opaque[tag] ?? `opaque(0x${tag.toString(16).padStart(4, "0")})`, turn.length)
    }
  }
  if (offset < turn.length) take("trailing", turn.length)
  return messages
}

/** A turn's shape: message names joined by spaces (e.g. `SQ_ID SQ_CURNAME SQ_OPEN SQ_EOT`). */
export const shape = (messages: ReadonlyArray<ClientMessage>): string => messages.map((m) => m.name).join(" ")

/** A turn's masked hex (statement ids and cursor names replaced). */
export const maskedHex = (messages: ReadonlyArray<ClientMessage>): string => messages.map((m) => m.masked).join("")

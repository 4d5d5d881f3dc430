/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
/**
 * Builders both sides need: JDBC's SQ_INFO env batch, cursor names, bind + blob-stream sequences, DESCRIBE field
 * layout, the default login PDU and the CONACC/CONREJ a test server sends.
 *
 * @internal
 */
import { isLegacyBlobType } from "./bindFraming.ts"
import { JDBC_DEFAULT_LOGIN_ENV, LOGIN_DEFAULTS } from "./loginPdu.ts"
import type {
  BindValue,
  Blob,
  ClientMessage,
  ConnectResponse,
  DescribeField,
  EnvPair,
  Info,
  LoginRequest,
  ProcessInfo
} from "./messages.ts"
import { InfoType, LoginMarker, SL_PROTOCOL_SQLI, SlType } from "./opcodes.ts"

const EMPTY: Uint8Array = new Uint8Array(0)

/**
 * SQ_INFO(INFO_ENV) exactly as JDBC 15 sends it (48 bytes with the trailing EOT, golden/jdbc-select-04): DBTEMP=/tmp,
 * SUBQCACHESZ=10, totLen 38, max name length 12, max value length 4. ifxdrv replays the same bytes.
 */
export const JDBC_INFO_ENV: Info = {
  _tag: "Info",
  infoType: InfoType.ENV,
  totalLength: 0x26,
  maxNameLength: 12,
  maxValueLength: 4,
  env: [["DBTEMP", "/tmp"], ["SUBQCACHESZ", "10"]],
  raw: EMPTY
}

/** Encoded size of a "char" field. */
const charLength = (s: string) => 2 + s.length + (s.length % 2)

/**
 * An SQ_INFO(INFO_ENV) for other pairs, with the length fields computed the way nmap does (totLen = 6 + encoded
 * pairs) and JDBC's max-length habit (longest name + 1, longest value). Servers do not validate these (SQLI.md §4.2).
 */
export const infoEnv = (env: ReadonlyArray<EnvPair>): Info => {
  const pairs = env.reduce((n, [name, value]) => n + charLength(name) + charLength(value), 0)
  return {
    _tag: "Info",
    infoType: InfoType.ENV,
    totalLength: 6 + pairs,
    maxNameLength: env.reduce((n, [name]) => Math.max(n, name.length + 1), 0),
    maxValueLength: env.reduce((n, [, value]) => Math.max(n, value.length), 0),
    env,
    raw: EMPTY
  }
}

/** JDBC-style cursor name: "_ifxc" + 13 digits (18 chars), e.g. `cursorName(1)` = "_ifxc0000000000001". */
export const cursorName = (n: number): string => `_ifxc${String(n).padStart(13, "0")}`

/** Chunk size JDBC and ifxdrv use for SQ_BLOB. */
export const BLOB_CHUNK_SIZE = 1024

/** One blob as SQ_BLOB chunks, ended by the empty chunk `00 27 00 00`. */
export const blobChunks = (blob: Uint8Array, chunkSize: number = BLOB_CHUNK_SIZE): Array<Blob> => {
  const out: Array<Blob> = []
  const size = Math.max(1, Math.min(chunkSize, 0xffff))
  for (let i = 0; i < blob.length; i += size) out.push({ _tag: "Blob", data: blob.subarray(i, i + size) })
  out.push({ _tag: "Blob", data: EMPTY })
  return out
}

/**
 * SQ_BIND for `params`, followed — when any BYTE/TEXT parameter is non-NULL — by SQ_BBIND and each blob's chunk stream
 * (the order of the parameters), as JDBC 15 sends it before SQ_EXECUTE in the same batch (golden/jdbc-prep-25).
 */
export const bindMessages = (
  params: ReadonlyArray<BindValue>,
  chunkSize: number = BLOB_CHUNK_SIZE
): Array<ClientMessage> => {
  const blobs = params.filter((p) => isLegacyBlobType(p.type) && p.indicator !== -1).map((p) => p.blob ?? EMPTY)
  const out: Array<ClientMessage> = [{ _tag: "Bind", params }]
  if (blobs.length === 0) return out
  out.push({ _tag: "BBind", blobCount: blobs.length })
  for (const blob of blobs) out.push(...blobChunks(blob, chunkSize))
  return out
}

/**
 * Reassemble the blob stream that starts with the SQ_BBIND at `messages[index]`: returns the blobs and the index of
 * the first message after the stream, or `undefined` if the stream is cut short / malformed.
 */
export const collectBlobStream = (
  messages: ReadonlyArray<ClientMessage>,
  index: number
): { readonly blobs: Array<Uint8Array>; readonly next: number } | undefined => {
  const head = messages[index]
  if (head === undefined || head._tag !== "BBind") return undefined
  const blobs: Array<Uint8Array> = []
  let i = index + 1
  for (let b = 0; b < head.blobCount; b++) {
    const parts: Array<Uint8Array> = []
    for (;;) {
      const m = messages[i++]
      if (m === undefined || m._tag !== "Blob") return undefined
      if (m.data.length === 0) break
      parts.push(m.data)
    }
    const total = parts.reduce((n, p) => n + p.length, 0)
    const blob = new Uint8Array(total)
    let at = 0
    for (const p of parts) {
      blob.set(p, at)
      at += p.length
    }
    blobs.push(blob)
  }
  return { blobs, next: i }
}

/** Assign `fieldIndex` (name offsets in the DESCRIBE string table) to fields given in column order. */
export const layoutDescribeFields = (
  fields: ReadonlyArray<Omit<DescribeField, "fieldIndex">>
): Array<DescribeField> => {
  let offset = 0
  const out: Array<DescribeField> = []
  for (const f of fields) {
    out.push(Object.assign({}, f, { fieldIndex: offset }))
    offset += f.name.length + 1
  }
  return out
}

/** Collects decoded client messages into batches: each ends with SQ_EOT, or is a bare SQ_EXIT (sent without EOT). */
export class BatchCollector {
  private pending: Array<ClientMessage> = []

  push(messages: ReadonlyArray<ClientMessage>): Array<Array<ClientMessage>> {
    const batches: Array<Array<ClientMessage>> = []
    for (const m of messages) {
      this.pending.push(m)
      if (m._tag === "Eot" || m._tag === "Exit") {
        batches.push(this.pending)
        this.pending = []
      }
    }
    return batches
  }

  /** Messages received since the last complete batch. */
  get incomplete(): ReadonlyArray<ClientMessage> {
    return this.pending
  }
}

/** Inputs of the default login PDU; everything else takes the value every known client sends. */
export interface LoginOptions {
  readonly user: string
  readonly password: string | undefined
  /** INFORMIXSERVER (DBSERVERNAME or alias of the listener). */
  readonly serverName: string
  /** Env pairs; default JDBC's six (DBPATH, CLIENT_LOCALE, CLNT_PAM_CAPABLE, DBDATE, IFX_UPDDESC, NODEFDAC). */
  readonly env?: ReadonlyArray<EnvPair>
  readonly processInfo?: ProcessInfo
  readonly applicationName?: string
  /** Default 316 (the level JDBC checks for in the echo). */
  readonly cap1?: number
}

/** The login PDU as JDBC/ifxdrv build it; the database slot stays empty (open it with SQ_DBOPEN, SQLI.md §3.2). */
export const makeLoginRequest = (options: LoginOptions): LoginRequest => ({
  _tag: "LoginRequest",
  ...LOGIN_DEFAULTS,
  cap1: options.cap1 ?? LOGIN_DEFAULTS.cap1,
  user: options.user,
  password: options.password,
  serverName: options.serverName,
  env: options.env ?? JDBC_DEFAULT_LOGIN_ENV,
  processInfo: options.processInfo,
  applicationName: options.applicationName
})

/** Inputs of the CONACC/CONREJ a test server sends. */
export interface ConnectResponseOptions {
  /** Internal SQLI version string, e.g. "15.0.1.0.3" (JDBC reports it as the product version). */
  readonly serverVersion: string
  /** DBSERVERNAME (goes in "applid"). */
  readonly serverName: string
  /** Echo of the client's Cap_1 (JDBC requires 316). */
  readonly cap1: number
  readonly serverSerial?: string
}

const asciiFixed = (s: string, n: number): Uint8Array => {
  const out = new Uint8Array(n)
  for (let i = 0; i < s.length && i < n; i++) out[i] = s.charCodeAt(i) & 0xff
  return out
}

/** "ol"+6 NUL, i32 61, "tlitcp"+2 NUL, i32 1 — the 24 bytes mirroring the request. */
const MIRROR: Uint8Array = (() => {
  const out = new Uint8Array(24)
  out.set(asciiFixed("ol", 8), 0)
  out[11] = 61
  out.set(asciiFixed("tlitcp", 8), 12)
  out[23] = 1
  return out
})()

/**
 * The CONACC a test server sends; with `svcError` ≠ 0 the same body as a CONREJ (SL type 3), which is how JDBC learns
 * the error (-951, -761, …). The tail after marker 102 is the one JDBC reads field by field (JDBC-READING.md §1):
 * `u16 11, i32 0` (the 6 bytes JDBC skips; one other client reads its error code 2 bytes early, inside this i32),
 * svcError, osError, warnings, `i16 0` errors, then `u16 127`. (golden/server-conacc-accept ends `00 00 00 7f` after
 * osError instead, which JDBC reads as warnings 0 and 127 errors, harmless only because its buffer is zero-filled.)
 */
export const makeConnectResponse = (
  options: ConnectResponseOptions,
  svcError = 0,
  osError = 0,
  warnings = 0
): ConnectResponse => ({
  _tag: "ConnectResponse",
  slType: svcError === 0 ? SlType.CONACC : SlType.CONREJ,
  slAttribute: SL_PROTOCOL_SQLI,
  slOptions: 0,
  protocolLevel: 61,
  floatFormat: "IEEEI",
  bparms: asciiFixed("sqlexec", 12),
  serverVersion: options.serverVersion,
  serverSerial: options.serverSerial ?? "RDS#R000000",
  applicationId: options.serverName,
  cap1: options.cap1,
  cap2: 0,
  cap3: 0,
  capFlags: 1,
  slot1: undefined,
  slot2: undefined,
  mirror: MIRROR,
  initMarker: LoginMarker.ASCINITRESP,
  initResponse: Uint8Array.of(0, 11, 0, 0, 0, 0),
  svcError,
  osError,
  warnings,
  errorCount: 0,
  errors: [],
  redirect: undefined,
  trailer: Uint8Array.of(0, LoginMarker.ASCEOT)
})

/**
 * A Connection Manager's answer to a login: the CONACC body as SL type 13 (REDIRECT) with marker 103, a u16 (0; JDBC
 * skips it) and the detail `server:host:port` JDBC splits on `:`, `=` or `|` (JDBC-READING.md §5). It ends with
 * `00 7f` like the CONACC; what a real Connection Manager sends after the detail is not known (no client reads it).
 */
export const makeRedirectResponse = (options: ConnectResponseOptions, detail: string): ConnectResponse => ({
  ...makeConnectResponse(options),
  slType: SlType.REDIRECT,
  initMarker: LoginMarker.ASCREDIRECT,
  initResponse: new Uint8Array(0),
  redirect: { unknown: 0, detail }
})

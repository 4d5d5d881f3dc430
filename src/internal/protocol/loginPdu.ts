/**
 * The connect phase: the SL-framed CONREQ login PDU and the server's CONACC/CONREJ answer (SQLI.md §3). These are the
 * only PDUs with a length header; everything after them is bare opcode-prefixed messages.
 *
 * The login is parsed structurally (markers in order, lpstr0 fields), never by fixed offsets, and the optional
 * blocks 107/116 may be missing (nmap omits both, golden/nmap-login-testdb).
 *
 * @internal
 */
import { Reader } from "../wire/Reader.ts"
import type { CheckedWriter } from "./checkedWriter.ts"
import type { ConnectError, ConnectResponse, EnvPair, LoginRequest, ProcessInfo } from "./messages.ts"
import { LoginMarker, SL_PROTOCOL_SQLI, SlType } from "./opcodes.ts"

/** The SL length field is a u16 that counts the whole PDU. */
export const MAX_CONNECT_PDU = 0xffff

/** Field values every known client sends (JDBC 15, ifxdrv, libsqli); the login builder's defaults. */
export const LOGIN_DEFAULTS = {
  slAttribute: SL_PROTOCOL_SQLI,
  slOptions: 0,
  protocolLevel: 61,
  floatFormat: "IEEEM",
  applicationType: "sqlexec",
  clientVersion: "9.280",
  clientSerial: "RDS#R000000",
  applicationId: "sqli",
  cap1: 316,
  cap2: 0,
  cap3: 0,
  capFlags: 1,
  protocolName: "ol",
  protocolLevel2: 61,
  transport: "tlitcp",
  networkLevel: 1,
  initRequest: 11,
  statementOptions: 3,
  database: undefined,
  reserved: [0, 0, 0, 0]
} as const

/** JDBC's default env block (golden/jdbc-login-testdb), in JDBC's order. */
export const JDBC_DEFAULT_LOGIN_ENV: ReadonlyArray<EnvPair> = [
  ["DBPATH", "."],
  ["CLIENT_LOCALE", "en_US.8859-1"],
  ["CLNT_PAM_CAPABLE", "1"],
  ["DBDATE", "Y4MD-"],
  ["IFX_UPDDESC", "1"],
  ["NODEFDAC", "no"]
]

const expectMarker = (r: Reader, marker: number, where: string): void => {
  const got = r.u16()
  if (r.ok && got !== marker) r.fail(`${where}: expected marker ${marker}, got ${got}`)
}

const str = (v: string | undefined): string => v ?? ""

export const writeLoginRequest = (w: CheckedWriter, m: LoginRequest): void => {
  w.u16(0, "sl.length") // patched below
  w.u8(SlType.CONREQ, "sl.type")
  w.u8(m.slAttribute, "sl.attribute")
  w.u16(m.slOptions, "sl.options")
  w.u16(LoginMarker.ASSOC, "marker").u16(LoginMarker.ASCBINARY, "marker")
  w.s32(m.protocolLevel, "protocolLevel")
  w.lpstr0(m.floatFormat, "floatFormat")
  w.u16(LoginMarker.ASCBPARMS, "marker")
  w.fixed(m.applicationType, 12, "applicationType")
  w.lpstr0(m.clientVersion, "clientVersion")
  w.lpstr0(m.clientSerial, "clientSerial")
  w.lpstr0(m.applicationId, "applicationId")
  w.s32(m.cap1, "cap1").s32(m.cap2, "cap2").s32(m.cap3, "cap3")
  w.u16(m.capFlags, "capFlags")
  w.lpstr0(m.user, "user")
  w.lpstr0(m.password, "password")
  w.fixed(m.protocolName, 8, "protocolName")
  w.s32(m.protocolLevel2, "protocolLevel2")
  w.fixed(m.transport, 8, "transport")
  w.s32(m.networkLevel, "networkLevel")
  w.u16(LoginMarker.ASCINITREQ, "marker")
  w.u16(m.initRequest, "initRequest")
  w.s32(m.statementOptions, "statementOptions")
  w.lpstr0(m.serverName, "serverName")
  w.lpstr0(m.database, "database")
  if (m.reserved.length !== 4) w.fail("login reserved slots must be 4 u16")
  for (const v of m.reserved) w.u16(v, "reserved")
  w.u16(LoginMarker.ASCENV, "marker")
  w.u16(m.env.length, "env.count")
  for (const [name, value] of m.env) {
    w.lpstr0(name, "env.name")
    w.lpstr0(value, "env.value")
  }
  if (m.processInfo !== undefined) {
    const p = m.processInfo
    w.u16(LoginMarker.ASCPINFO, "marker")
    w.s32(p.reserved, "pinfo.reserved")
    w.s32(p.pid, "pinfo.pid")
    w.s32(p.tid, "pinfo.tid")
    w.lpstr0(p.hostname, "pinfo.hostname")
    w.u16(p.reserved2, "pinfo.reserved2")
    w.lpstr0(p.cwd, "pinfo.cwd")
  }
  if (m.applicationName !== undefined) {
    w.u16(LoginMarker.ASCMISC_60, "marker")
    const lengthAt = w.length
    w.u16(0, "misc.length")
    w.s32(0, "misc.reserved").s32(0, "misc.reserved")
    w.lpstr0(m.applicationName, "applicationName")
    w.out.patchU16(lengthAt, w.length - lengthAt - 2)
  }
  w.u16(LoginMarker.ASCEOT, "marker")
  if (w.length > MAX_CONNECT_PDU) w.fail(`login PDU of ${w.length} bytes exceeds the u16 SL length`)
  else w.out.patchU16(0, w.length)
}

/** Reads the login PDU body after the 6-byte SL header (`end` = absolute end of the PDU). */
export const readLoginRequest = (r: Reader, slAttribute: number, slOptions: number, end: number): LoginRequest => {
  expectMarker(r, LoginMarker.ASSOC, "login")
  expectMarker(r, LoginMarker.ASCBINARY, "login")
  const protocolLevel = r.i32()
  const floatFormat = r.lpstr0()
  expectMarker(r, LoginMarker.ASCBPARMS, "login")
  const applicationType = r.fixed(12)
  const clientVersion = r.lpstr0()
  const clientSerial = r.lpstr0()
  const applicationId = r.lpstr0()
  const cap1 = r.i32()
  const cap2 = r.i32()
  const cap3 = r.i32()
  const capFlags = r.u16()
  const user = r.lpstr0()
  const password = r.lpstr0()
  const protocolName = r.fixed(8)
  const protocolLevel2 = r.i32()
  const transport = r.fixed(8)
  const networkLevel = r.i32()
  expectMarker(r, LoginMarker.ASCINITREQ, "login")
  const initRequest = r.u16()
  const statementOptions = r.i32()
  const serverName = r.lpstr0()
  const database = r.lpstr0()
  const reserved = [r.u16(), r.u16(), r.u16(), r.u16()]
  expectMarker(r, LoginMarker.ASCENV, "login")
  const count = r.u16()
  const env: Array<EnvPair> = []
  for (let i = 0; i < count && r.ok; i++) {
    const name = str(r.lpstr0())
    const value = str(r.lpstr0())
    env.push([name, value])
  }
  let processInfo: ProcessInfo | undefined
  let applicationName: string | undefined
  for (;;) {
    if (!r.ok) break
    const marker = r.u16()
    if (marker === LoginMarker.ASCEOT) break
    if (marker === LoginMarker.ASCPINFO) {
      const reservedP = r.i32()
      const pid = r.i32()
      const tid = r.i32()
      const hostname = r.lpstr0()
      const reserved2 = r.u16()
      const cwd = r.lpstr0()
      processInfo = { reserved: reservedP, pid, tid, hostname, reserved2, cwd }
    } else if (marker === LoginMarker.ASCMISC_60) {
      const length = r.u16()
      const blockStart = r.pos
      r.skip(8)
      applicationName = str(r.lpstr0())
      // The block length is authoritative: skip anything after the name we do not model.
      if (r.ok && r.pos !== blockStart + length) {
        if (blockStart + length < r.pos || blockStart + length > end) r.fail("login block 116 length inconsistent")
        else r.pos = blockStart + length
      }
    } else {
      if (r.ok) r.fail(`login: unknown marker ${marker}`)
      break
    }
  }
  if (r.ok && r.pos !== end) r.fail(`login PDU has ${end - r.pos} bytes after SQ_ASCEOT`)
  return {
    _tag: "LoginRequest",
    slAttribute,
    slOptions,
    protocolLevel,
    floatFormat,
    applicationType,
    clientVersion,
    clientSerial,
    applicationId,
    cap1,
    cap2,
    cap3,
    capFlags,
    user,
    password,
    protocolName,
    protocolLevel2,
    transport,
    networkLevel,
    initRequest,
    statementOptions,
    serverName,
    database,
    reserved,
    env,
    processInfo,
    applicationName
  }
}

export const writeConnectResponse = (w: CheckedWriter, m: ConnectResponse): void => {
  w.u16(0, "sl.length")
  w.u8(m.slType, "sl.type")
  w.u8(m.slAttribute, "sl.attribute")
  w.u16(m.slOptions, "sl.options")
  w.u16(LoginMarker.ASSOC, "marker").u16(LoginMarker.ASCBINARY, "marker")
  w.s32(m.protocolLevel, "protocolLevel")
  w.lpstr0(m.floatFormat, "floatFormat")
  w.u16(LoginMarker.ASCBPARMS, "marker")
  if (m.bparms.length !== 12) w.fail("bparms must be 12 bytes")
  w.bytes(m.bparms)
  w.lpstr0(m.serverVersion, "serverVersion")
  w.lpstr0(m.serverSerial, "serverSerial")
  w.lpstr0(m.applicationId, "applicationId")
  w.s32(m.cap1, "cap1").s32(m.cap2, "cap2").s32(m.cap3, "cap3")
  w.u16(m.capFlags, "capFlags")
  w.lpstr0(m.slot1, "slot1")
  w.lpstr0(m.slot2, "slot2")
  if (m.mirror.length !== 24) w.fail("mirror block must be 24 bytes")
  w.bytes(m.mirror)
  w.u16(m.initMarker, "initMarker")
  if (m.initMarker === LoginMarker.ASCINITRESP) {
    if (m.initResponse.length !== 6) w.fail("initResponse must be 6 bytes")
    w.bytes(m.initResponse)
    w.i16(m.svcError, "svcError")
    w.i16(m.osError, "osError")
    w.i16(m.warnings, "warnings")
    w.i16(m.errorCount, "errorCount")
    for (const e of m.errors) {
      w.i16(e.offset, "error.offset")
      w.char(e.text, "error.text")
    }
  } else if (m.initMarker === LoginMarker.ASCREDIRECT) {
    w.u16(m.redirect?.unknown ?? 0, "redirect.unknown")
    w.char(m.redirect?.detail ?? "", "redirect.detail")
  }
  w.bytes(m.trailer)
  if (w.length > MAX_CONNECT_PDU) w.fail(`connect response of ${w.length} bytes exceeds the u16 SL length`)
  else w.out.patchU16(0, w.length)
}

/** JDBC reads the whole connect response into one zero-filled buffer of this size (JDBC-READING.md §1). */
const JDBC_CONNECT_BUFFER = 4096

/**
 * Reads a CONACC/CONREJ/REDIRECT body after the SL header the way IBM's JDBC 15 does
 * (`com.informix.asf.Connection.DecodeAscBinary`): after the 24-byte block one of the markers 102, 103 or 127, anything
 * else is refused (JDBC: −408). JDBC reads the tail from a 4096-byte zero-filled buffer, so fields past the end of
 * the PDU read as 0 there; the tail is read the same way here. The PDU need not end in `00 7f`: whatever follows what
 * JDBC reads is kept as `trailer`, uninterpreted.
 */
export const readConnectResponse = (
  r: Reader,
  slType: number,
  slAttribute: number,
  slOptions: number,
  end: number
): ConnectResponse => {
  expectMarker(r, LoginMarker.ASSOC, "connect response")
  expectMarker(r, LoginMarker.ASCBINARY, "connect response")
  const protocolLevel = r.i32()
  const floatFormat = r.lpstr0()
  expectMarker(r, LoginMarker.ASCBPARMS, "connect response")
  const bparms = r.bytesCopy(12)
  const serverVersion = r.lpstr0()
  const serverSerial = r.lpstr0()
  const applicationId = r.lpstr0()
  const cap1 = r.i32()
  const cap2 = r.i32()
  const cap3 = r.i32()
  const capFlags = r.u16()
  const slot1 = r.lpstr0()
  const slot2 = r.lpstr0()
  const mirror = r.bytesCopy(24)
  const marker = r.u16()
  let initMarker: ConnectResponse["initMarker"] = LoginMarker.ASCEOT
  let initResponse: Uint8Array = new Uint8Array(0)
  let svcError = 0
  let osError = 0
  let warnings = 0
  let errorCount = 0
  const errors: Array<ConnectError> = []
  let redirect: ConnectResponse["redirect"] = undefined
  let trailer: Uint8Array = new Uint8Array(0)
  if (r.ok) {
    // The tail as JDBC sees it: the PDU's bytes, then zeros up to JDBC's buffer size.
    const real = Math.max(0, end - r.pos)
    const padded = new Uint8Array(Math.max(real, JDBC_CONNECT_BUFFER))
    padded.set(r.bytes.subarray(r.pos, end))
    const t = new Reader(padded, 0, padded.length)
    if (marker === LoginMarker.ASCINITRESP) {
      initMarker = LoginMarker.ASCINITRESP
      initResponse = t.bytesCopy(6)
      svcError = t.i16()
      osError = t.i16()
      warnings = t.i16()
      errorCount = t.i16()
      if (errorCount < 0) r.fail(`connect response: negative error count ${errorCount}`)
      // JDBC reads up to errorCount {offset, text} entries and stops at a negative offset; entries past the end of
      // the PDU would only be JDBC's zero padding (offset 0, empty text), so reading stops there.
      while (errors.length < errorCount && t.pos + 2 <= real) {
        const at = t.pos
        const offset = t.i16()
        if (offset < 0) {
          t.pos = at
          break
        }
        errors.push({ offset, text: t.char() })
      }
    } else if (marker === LoginMarker.ASCREDIRECT) {
      initMarker = LoginMarker.ASCREDIRECT
      const unknown = t.u16()
      redirect = { unknown, detail: t.char() }
    } else if (marker !== LoginMarker.ASCEOT) {
      r.fail(`connect response: expected marker 102, 103 or 127 after the 24-byte block, got ${marker}`)
    }
    if (t.short) r.fail("connect response: a field runs past JDBC's 4096-byte connect buffer")
    trailer = t.pos < real ? padded.slice(t.pos, real) : new Uint8Array(0)
    r.pos = end
  }
  return {
    _tag: "ConnectResponse",
    slType,
    slAttribute,
    slOptions,
    protocolLevel,
    floatFormat,
    bparms,
    serverVersion,
    serverSerial,
    applicationId,
    cap1,
    cap2,
    cap3,
    capFlags,
    slot1,
    slot2,
    mirror,
    initMarker,
    initResponse,
    svcError,
    osError,
    warnings,
    errorCount,
    errors,
    redirect,
    trailer
  }
}

/** Where a redirect sends the client (JDBC-READING.md §5). `port` is numeric or a service name, as JDBC accepts. */
export interface RedirectTarget {
  readonly server: string
  readonly host: string
  readonly port: string
}

/**
 * Splits a redirect detail the way JDBC does (`ConnectionHeaders.ConnectionTarget(String)`): tokens separated by any
 * of `:` `=` `|`, empty tokens skipped, each trimmed; the first three are server name, host and port. Fewer than three
 * tokens is no target (JDBC then fails with −79759).
 */
export const parseRedirect = (detail: string): RedirectTarget | undefined => {
  const [server, host, port] = detail.split(/[:=|]/).filter((t) => t.length > 0).map((t) => t.trim())
  if (server === undefined || host === undefined || port === undefined || port.length === 0) return undefined
  return { server, host, port }
}

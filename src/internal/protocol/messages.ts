/**
 * The SQLI message model: one plain tagged object per wire message, in both directions.
 *
 * These types are the contract between the codec (encoders/decoders in this folder), the TestServer session layer
 * (which decodes `ClientMessage`s and encodes `ServerMessage`s) and the Connection (the reverse). They are plain
 * readonly objects with a `_tag` so both sides can `switch` on them without classes or an Effect runtime.
 *
 * Conventions (SQLI.md §1.2):
 * - Protocol identifiers (cursor, database, savepoint names, env pairs, error parameters, login strings) are
 *   `string`s holding Latin-1: one char per wire byte, so they round-trip losslessly even when the bytes are really
 *   UTF-8 — a caller that knows the code set re-decodes with `latin1(str)` from `wire/Writer.ts`.
 * - SQL text and tuple/bind payloads are `Uint8Array`s: their code set belongs to the session (CLIENT_LOCALE).
 * - Every message that has a wire field nobody understands keeps it (e.g. `NFetch.fetchArraySize`,
 *   `RollbackWork.savepointLevel`) so that decode → encode is byte-identical.
 *
 * @internal
 */

import type { BindValue } from "../values/bindValues.ts"
import type {
  SmartLobClientMessage as SmartLobMessage,
  SmartLobServerMessage as SmartLobReply
} from "./smartLobMessages.ts"

// ---------------------------------------------------------------------------------------------------------------
// Bind values
// ---------------------------------------------------------------------------------------------------------------

/**
 * One SQ_BIND parameter, as the values layer produces it (VALUES.md §7): `data` is the value's own bytes WITHOUT the
 * length prefix and WITHOUT the pad; the bind framing (fixed width vs `u16 len` vs `u32 len`, the extended-type name
 * block) is applied by the protocol encoder from `type` (see `bindFraming.ts`). Owned by the values layer.
 */
export type { BindValue }

/** `name=value` pair of the login env block or of SQ_INFO(INFO_ENV). */
export type EnvPair = readonly [name: string, value: string]

// ---------------------------------------------------------------------------------------------------------------
// Client → server messages (post-login, bare opcode + body; SQLI.md §6, §7)
// ---------------------------------------------------------------------------------------------------------------

/** SQ_COMMAND (1): prepare + run in one go. Same body as SQ_PREPARE. */
export interface Command {
  readonly _tag: "Command"
  readonly numQmarks: number
  readonly sql: Uint8Array
}

/** SQ_PREPARE (2). `numQmarks` = number of `?` placeholders as the client counted them (servers recount). */
export interface Prepare {
  readonly _tag: "Prepare"
  readonly numQmarks: number
  readonly sql: Uint8Array
}

/** SQ_SGKPREPARE (134): "return generated keys", right after the SQL of SQ_PREPARE/SQ_COMMAND. JDBC sends 1. */
export interface SgkPrepare {
  readonly _tag: "SgkPrepare"
  readonly value: number
}

/** SQ_NDESCRIBE (22): ask for SQ_DESCRIBE with the prepare. Bare. */
export interface NDescribe {
  readonly _tag: "NDescribe"
}

/** SQ_WANTDONE (49): ask for SQ_DONE in the reply. Bare. */
export interface WantDone {
  readonly _tag: "WantDone"
}

/** SQ_ID (4): select the statement the following messages act on. */
export interface Id {
  readonly _tag: "Id"
  readonly statementId: number
}

/** SQ_CURNAME (3): name the cursor of the current statement. */
export interface CurName {
  readonly _tag: "CurName"
  readonly name: string
}

/** SQ_SCROLL (24): open modifier, scroll cursor. Bare. */
export interface Scroll {
  readonly _tag: "Scroll"
}

/** SQ_HOLD (43): open modifier, WITH HOLD. Bare. */
export interface Hold {
  readonly _tag: "Hold"
}

/** SQ_OPEN (6). Bare. */
export interface Open {
  readonly _tag: "Open"
}

/** SQ_BIND (5): input parameter values. */
export interface Bind {
  readonly _tag: "Bind"
  readonly params: ReadonlyArray<BindValue>
}

/**
 * SQ_BBIND (41): announces `blobCount` BYTE/TEXT contents that follow as SQ_BLOB chunk messages, each blob ended by
 * an empty chunk (`00 27 00 00`). The chunks are separate `Blob` messages so a large stream decodes in linear time;
 * `bindMessages` builds the whole sequence and `collectBlobStream` reassembles it.
 */
export interface BBind {
  readonly _tag: "BBind"
  readonly blobCount: number
}

/** SQ_BLOB (39) in either direction: one chunk of BYTE/TEXT content; an empty `data` ends one blob. */
export interface Blob {
  readonly _tag: "Blob"
  readonly data: Uint8Array
}

/**
 * SQ_FERR (40): the client could not produce the rest of a BYTE/TEXT value it was streaming after SQ_BBIND; it takes
 * the place of the rest of the batch (`FERR EOT`). IBM JDBC writes it when its blob stream fails (`sendStreamBlob`)
 * and reads the server's error reply. Bare.
 */
export interface Ferr {
  readonly _tag: "Ferr"
}

/** SQ_EXECUTE (7). Bare. */
export interface Execute {
  readonly _tag: "Execute"
}

/** SQ_NFETCH (9): fetch the next rows, up to `bufferSize` bytes of tuple data. */
export interface NFetch {
  readonly _tag: "NFetch"
  readonly bufferSize: number
  /** The trailing u16 (a short, never an int); always 0 in every capture. */
  readonly fetchArraySize: number
}

/** SQ_SFETCH (23): scroll fetch. */
export interface SFetch {
  readonly _tag: "SFetch"
  /** 1 NEXT, 4 LAST, 6 ABSOLUTE (see `ScrollType`). */
  readonly scrollType: number
  /** 1-based row for ABSOLUTE; wanted row for NEXT (JDBC); 0 for LAST. */
  readonly target: number
  readonly bufferSize: number
}

/** One column of SQ_RET_TYPE. */
export interface RetTypeColumn {
  readonly type: number
  /** Only carried for types 43/44/45 (gomodel); `undefined` otherwise. */
  readonly ownerName?: string
  readonly typeName?: string
  readonly encodedLength: number
}

/** SQ_RET_TYPE (100): output type list before a fetch (JDBC, for variable-length columns). Servers ignore it. */
export interface RetType {
  readonly _tag: "RetType"
  /** 1 = fetch. */
  readonly direction: number
  readonly columns: ReadonlyArray<RetTypeColumn>
}

/** SQ_CIDESCRIBE (124): describe the input parameters of the current statement. Bare. */
export interface CiDescribe {
  readonly _tag: "CiDescribe"
}

/** SQ_CLOSE (10): close the cursor. Bare. */
export interface Close {
  readonly _tag: "Close"
}

/** SQ_RELEASE (11): free the statement. Bare. */
export interface Release {
  readonly _tag: "Release"
}

/** SQ_BEGIN (35). Bare. */
export interface Begin {
  readonly _tag: "Begin"
}

/** SQ_CMMTWORK (19). Bare. */
export interface CommitWork {
  readonly _tag: "CommitWork"
}

/** SQ_RBWORK (20): NOT bare — a u16 savepoint level (0) follows, else the server waits for it. */
export interface RollbackWork {
  readonly _tag: "RollbackWork"
  readonly savepointLevel: number
}

/** SQ_SQLISETSVPT (137): `char name, u16 unique` (libsqli: 1 = UNIQUE; JDBC sends 0). */
export interface SetSavepoint {
  readonly _tag: "SetSavepoint"
  readonly name: string
  readonly unique: number
}

/** SQ_SQLIRELSVPT (138). */
export interface ReleaseSavepoint {
  readonly _tag: "ReleaseSavepoint"
  readonly name: string
}

/** SQ_SQLIRBACKSVPT (139). */
export interface RollbackSavepoint {
  readonly _tag: "RollbackSavepoint"
  readonly name: string
}

/**
 * SQ_INFO (81). For `infoType` 6 (INFO_ENV) the env pairs are parsed and `raw` is empty; for other item types (never
 * sent by any known client) the `totalLength` bytes after the header are kept in `raw`.
 *
 * `totalLength`, `maxNameLength` and `maxValueLength` are kept as sent: JDBC's values (38, 12, 4) do not follow a rule
 * a server can check (SQLI.md §4.2), so decode → encode keeps them.
 */
export interface Info {
  readonly _tag: "Info"
  readonly infoType: number
  readonly totalLength: number
  readonly maxNameLength: number
  readonly maxValueLength: number
  readonly env: ReadonlyArray<EnvPair>
  readonly raw: Uint8Array
}

/** SQ_DBOPEN (36): `char name, u16 mode` (mode 0 in every capture). */
export interface DbOpen {
  readonly _tag: "DbOpen"
  readonly name: string
  readonly mode: number
}

/** SQ_DBCLOSE (37). Bare [inferred]. */
export interface DbClose {
  readonly _tag: "DbClose"
}

/** SQ_PROTOCOLS (126) in either direction: the capability bitmask (MSB-first bit numbering). */
export interface Protocols {
  readonly _tag: "Protocols"
  readonly mask: Uint8Array
}

/** SQ_VERSION (53), client side: bare liveness probe (JDBC `isValid()`). */
export interface VersionRequest {
  readonly _tag: "VersionRequest"
}

/** SQ_FETCHBLOB (38): fetch BYTE/TEXT content by its 56-byte descriptor. */
export interface FetchBlob {
  readonly _tag: "FetchBlob"
  readonly descriptor: Uint8Array
}

/** SQ_DBLIST (26), client side: bare request. */
export interface DbListRequest {
  readonly _tag: "DbListRequest"
}

/** SQ_BATCHSTART (141) / SQ_BATCHEND (142): bare brackets (libsqli only; JDBC does not use them). */
export interface BatchStart {
  readonly _tag: "BatchStart"
}

/** SQ_BATCHEND (142). Bare. */
export interface BatchEnd {
  readonly _tag: "BatchEnd"
}

/** SQ_ACK (128): PAM start / acknowledge. Bare. */
export interface Ack {
  readonly _tag: "Ack"
}

/** SQ_RESPONSE (130): PAM answer, `char text`. */
export interface PamResponse {
  readonly _tag: "PamResponse"
  readonly text: string
}

/** SQ_EXIT (56) in either direction. Client: sent bare, without a trailing EOT. */
export interface Exit {
  readonly _tag: "Exit"
}

/** SQ_EOT (12) in either direction: end of a client batch / server response group. */
export interface Eot {
  readonly _tag: "Eot"
}

/** Every post-login message a client sends. */
export type ClientMessage =
  | Command
  | Prepare
  | SgkPrepare
  | NDescribe
  | WantDone
  | Id
  | CurName
  | Scroll
  | Hold
  | Open
  | Bind
  | BBind
  | Blob
  | Ferr
  | Execute
  | NFetch
  | SFetch
  | RetType
  | CiDescribe
  | Close
  | Release
  | Begin
  | CommitWork
  | RollbackWork
  | SetSavepoint
  | ReleaseSavepoint
  | RollbackSavepoint
  | Info
  | DbOpen
  | DbClose
  | Protocols
  | VersionRequest
  | FetchBlob
  | DbListRequest
  | BatchStart
  | BatchEnd
  | Ack
  | PamResponse
  | Exit
  | Eot
  | SmartLobMessage

// ---------------------------------------------------------------------------------------------------------------
// Server → client messages
// ---------------------------------------------------------------------------------------------------------------

/** One column of SQ_DESCRIBE / SQ_SGKDESCRIBE (SQLI.md §7.11). */
export interface DescribeField {
  /** Column name (from the string table; Latin-1 per-byte string). */
  readonly name: string
  /** Byte offset of `name` in the string table. Use `layoutDescribeFields` to compute it when encoding. */
  readonly fieldIndex: number
  /** Byte offset of this column in the fixed-layout tuple. */
  readonly columnStartPos: number
  /** Low byte = IDS type code, high byte = flags (0x0100 NOT NULL, …). */
  readonly columnType: number
  readonly extendedId: number
  readonly ownerName: string
  readonly extendedName: string
  readonly reference: number
  readonly alignment: number
  readonly sourceType: number
  /** CHAR n; VARCHAR (min<<8)|max; DECIMAL (p<<8)|s; DATETIME/INTERVAL (digits<<8)|(start<<4)|end; fixed: width. */
  readonly encodedLength: number
}

/** The SQ_DESCRIBE body, shared by `Describe` and `SgkDescribe`. */
export interface DescribeBody {
  /** sqlstype value (see `StatementType`): 2 SELECT, 6 INSERT, 56 EXECUTE PROCEDURE, … */
  readonly statementType: number
  readonly statementId: number
  readonly estimatedCost: number
  /** u16 on the wire, i32 under framing `tupleSize32` (bit 69). */
  readonly tupleSize: number
  readonly fields: ReadonlyArray<DescribeField>
}

/** SQ_DESCRIBE (8). */
export interface Describe extends DescribeBody {
  readonly _tag: "Describe"
}

/** SQ_SGKDESCRIBE (135): describes the generated-key columns (SQ_DESCRIBE body). */
export interface SgkDescribe extends DescribeBody {
  readonly _tag: "SgkDescribe"
}

/** SQ_TUPLE (14): one row; `payload` = column values back to back (VALUES.md), no pad. */
export interface Tuple {
  readonly _tag: "Tuple"
  readonly warnings: number
  readonly payload: Uint8Array
}

/** SQ_SGKTUPLE (136): one generated-key row (SQ_TUPLE body). */
export interface SgkTuple {
  readonly _tag: "SgkTuple"
  readonly warnings: number
  readonly payload: Uint8Array
}

/**
 * SQ_DONE (15). `rows` and `rowid` are i32 on the wire (14-byte body) or i64 under framing `done22` (bit 70); they are
 * exposed as `number` either way — an i64 beyond 2^53 would lose precision, which no real row count reaches.
 */
export interface Done {
  readonly _tag: "Done"
  /**
   * sqlwarn flags; after DBOPEN read bit by bit: 0x01 logged, 0x02 ANSI, 0x04 Informix server, 0x40 locale differs
   * (JDBC-READING.md §2).
   */
  readonly warnings: number
  readonly rows: number
  readonly rowid: number
  /** SERIAL generated by an INSERT (sqlerrd[1]); 0 otherwise. */
  readonly serial: number
}

/**
 * SQ_ERR (13), read as IBM's JDBC 15 reads it (`IfxSqli.receiveError`, JDBC-READING.md §4). `form` records which body
 * layout was on the wire:
 * - "standard": `i16 sqlcode, i16 isam, offset (i32 | i16 without errOffset32), char parameter` — every code not named
 *   below, sqlcode 100 ("no data") and −619 included (JDBC skips −619's two shorts (three with bit 62) without reading
 *   them: the same bytes as isam + offset).
 * - "bare" (−368): the standard fields without the char parameter.
 * - "sqlstate" (0 and −937): the standard body, then a 5-byte SQLSTATE plus its pad byte and a char `message`.
 */
export interface Err {
  readonly _tag: "Err"
  readonly sqlcode: number
  readonly isamCode: number
  readonly offset: number
  /** The sqlerrm message *parameter* (object name), not a message text. */
  readonly parameter: string
  readonly form: "standard" | "bare" | "sqlstate"
  /** "sqlstate" form only: the 5-character SQLSTATE. */
  readonly sqlState?: string
  /** "sqlstate" form only: the message text after the SQLSTATE (a warning's text for sqlcode 0). */
  readonly message?: string
}

/** SQ_COST (55): optimizer estimates. */
export interface Cost {
  readonly _tag: "Cost"
  readonly estimatedRows: number
  readonly estimatedCost: number
}

/**
 * SQ_XACTSTAT (99): transaction state change. JDBC interprets only `newLevel`: 1 = a transaction is now open, 0 = none
 * (`IfxSqli.receiveXactstat`, JDBC-READING.md §3).
 */
export interface XactStat {
  readonly _tag: "XactStat"
  readonly event: number
  readonly newLevel: number
  readonly oldLevel: number
}

/** SQ_INSERTDONE (94): SERIAL8 (10-byte INT8 form, sign 0 = null) and BIGSERIAL (i64) generated values. */
export interface InsertDone {
  readonly _tag: "InsertDone"
  readonly serial8: bigint | null
  readonly bigserial: bigint
}

/** SQ_TUPID (25): 1-based position of the row just sent (scroll cursors). */
export interface TupId {
  readonly _tag: "TupId"
  readonly rowNumber: number
}

/** One input parameter of SQ_IDESCRIBE: a DESCRIBE field block without name/offsets. */
export interface IDescribeParam {
  readonly type: number
  readonly extendedId: number
  readonly ownerName: string
  readonly extendedName: string
  readonly reference: number
  readonly alignment: number
  readonly sourceType: number
  readonly encodedLength: number
}

/** SQ_IDESCRIBE (125): reply to SQ_CIDESCRIBE. `unknown` = the u16 after the count (only sent when params > 0; send 0). */
export interface IDescribe {
  readonly _tag: "IDescribe"
  readonly unknown: number
  readonly params: ReadonlyArray<IDescribeParam>
}

/** SQ_VERSION (53), server side: `char versionText`. */
export interface Version {
  readonly _tag: "Version"
  readonly text: string
}

/** SQ_DBLIST (26), server side: names, ended by a zero-length name. */
export interface DbList {
  readonly _tag: "DbList"
  readonly names: ReadonlyArray<string>
}

/** SQ_ACCEPT (127): PAM authentication accepted. Bare. */
export interface PamAccept {
  readonly _tag: "PamAccept"
}

/**
 * SQ_CHALLENGE (129): `u16 style, char text` as IBM's JDBC reads it (`IfxSqli.readPAMChallengeMessage`: style,
 * length, padded bytes; no prompt count, which SQLI.md's libsqli notes had). Styles: 1 prompt echo off, 2 prompt
 * echo on, 3 error message, 4 text info (no response is sent to 3 and 4).
 */
export interface PamChallenge {
  readonly _tag: "PamChallenge"
  readonly style: number
  readonly text: string
}

/**
 * SQ_CLOSE (10) from the server: bare; the server closed the cursor itself (JDBC's `dispatchMsg` then skips its own
 * CLOSE). Only decoded, so that a real server's reply does not stop the stream.
 */
export interface CursorClosed {
  readonly _tag: "CursorClosed"
}

/** SQ_REASSOC (86): bare; JDBC's `dispatchMsg` only logs it. */
export interface Reassoc {
  readonly _tag: "Reassoc"
}

/** Every post-login message a server sends. */
export type ServerMessage =
  | Describe
  | SgkDescribe
  | Tuple
  | SgkTuple
  | Done
  | Err
  | Cost
  | XactStat
  | InsertDone
  | TupId
  | IDescribe
  | Version
  | Protocols
  | Blob
  | DbList
  | PamAccept
  | PamChallenge
  | CursorClosed
  | Reassoc
  | Exit
  | Eot
  | SmartLobReply

// ---------------------------------------------------------------------------------------------------------------
// Connect phase (SL-framed PDUs, SQLI.md §3)
// ---------------------------------------------------------------------------------------------------------------

/** Block 107 (SQ_ASCPINFO) of the login PDU; optional (nmap omits it). */
export interface ProcessInfo {
  readonly reserved: number
  readonly pid: number
  /** Thread id; 0 if it does not fit. */
  readonly tid: number
  readonly hostname: string | undefined
  readonly reserved2: number
  readonly cwd: string | undefined
}

/**
 * The CONREQ login PDU (SQLI.md §3.2). String fields use the lpstr0 form; `undefined` = absent (`00 00`).
 * Constants every client sends are still fields so a server can log/inspect them and the encoder is byte-exact.
 */
export interface LoginRequest {
  readonly _tag: "LoginRequest"
  /** SL attribute byte (60). */
  readonly slAttribute: number
  readonly slOptions: number
  /** i32 after markers 100/101 (61). */
  readonly protocolLevel: number
  /** "IEEEM". */
  readonly floatFormat: string | undefined
  /** fixed-12 "sqlexec". */
  readonly applicationType: string
  /** "9.280". */
  readonly clientVersion: string | undefined
  /** "RDS#R000000". */
  readonly clientSerial: string | undefined
  /** "sqli". */
  readonly applicationId: string | undefined
  /** 316 (nmap: 307). */
  readonly cap1: number
  readonly cap2: number
  readonly cap3: number
  /** u16 after Cap_3 (always 1). */
  readonly capFlags: number
  readonly user: string | undefined
  /** Cleartext; `undefined` = absent (`00 00`). */
  readonly password: string | undefined
  /** fixed-8 "ol". */
  readonly protocolName: string
  /** i32 after the protocol name (61). */
  readonly protocolLevel2: number
  /** fixed-8 "tlitcp". */
  readonly transport: string
  /** i32 network level (1). */
  readonly networkLevel: number
  /** u16 after marker 104 (11 = ASF_XCONNECT). */
  readonly initRequest: number
  /** i32 statement options (3). */
  readonly statementOptions: number
  /** INFORMIXSERVER the client asked for. */
  readonly serverName: string | undefined
  /** Database slot; every known client leaves it absent. */
  readonly database: string | undefined
  /** The four reserved u16 after the database slot. */
  readonly reserved: ReadonlyArray<number>
  readonly env: ReadonlyArray<EnvPair>
  readonly processInfo: ProcessInfo | undefined
  /** Block 116 (SQ_ASCMISC_60) application name; `undefined` = block absent. */
  readonly applicationName: string | undefined
}

/**
 * The server's CONACC (slType 2) / CONREJ (3) / REDIRECT (13) reply (SQLI.md §3.3, JDBC-READING.md §1, §5). Success
 * = slType 2 and svcError 0. The fields up to `mirror` mirror the request and are kept for byte-exact encoding; what
 * follows the 24-byte block is read as IBM's JDBC reads it (`com.informix.asf.Connection.DecodeAscBinary`): one of
 * three markers, 102 (init response), 103 (redirect detail) or 127 (nothing more).
 */
export interface ConnectResponse {
  readonly _tag: "ConnectResponse"
  /** 2 CONACC, 3 CONREJ, 13 REDIRECT. */
  readonly slType: number
  readonly slAttribute: number
  readonly slOptions: number
  readonly protocolLevel: number
  /** "IEEEI". */
  readonly floatFormat: string | undefined
  /** The 12 bytes after marker 108 (mirror "sqlexec" + NULs; no client reads them). */
  readonly bparms: Uint8Array
  /** Internal SQLI version, e.g. "15.0.1.0.3" (JDBC reports it as the product version). */
  readonly serverVersion: string | undefined
  readonly serverSerial: string | undefined
  /** "applid": the server's DBSERVERNAME (nmap retries the login with it after -761). */
  readonly applicationId: string | undefined
  /** Echo of the client's Cap_1; JDBC requires 316. */
  readonly cap1: number
  readonly cap2: number
  readonly cap3: number
  readonly capFlags: number
  /** The two mirrored user/password slots (sent empty: `00 00`). */
  readonly slot1: string | undefined
  readonly slot2: string | undefined
  /** 24 bytes mirroring "ol"+61+"tlitcp"+1. */
  readonly mirror: Uint8Array
  /** The marker after the 24-byte block: 102 init response, 103 redirect, 127 none (JDBC accepts only these). */
  readonly initMarker: 102 | 103 | 127
  /** Marker 102 only: the 6 bytes JDBC skips (`u16 11, i32 0` from a server; empty otherwise). */
  readonly initResponse: Uint8Array
  /** Marker 102 only (else 0): 0 = OK; -951 bad user/password, -761 server name mismatch, … */
  readonly svcError: number
  readonly osError: number
  /**
   * Marker 102 only (else 0): the login warnings. 0x20 = read-only (HDR/RSS secondary), 0x08 = FLOAT read as DECIMAL;
   * bits 0–5 are also connection warnings (JDBC-READING.md §1).
   */
  readonly warnings: number
  /** Marker 102 only: the error count as sent (JDBC reads up to this many entries, a negative offset ends them). */
  readonly errorCount: number
  /** Marker 102 only: the error entries present in the PDU; the last text is the error message. */
  readonly errors: ReadonlyArray<ConnectError>
  /** Marker 103 only: the u16 before the detail (JDBC ignores it) and the detail text (`server:host:port`). */
  readonly redirect: { readonly unknown: number; readonly detail: string } | undefined
  /** Bytes after what JDBC reads, up to the end of the PDU (a server's closing `00 7f`); never interpreted. */
  readonly trailer: Uint8Array
}

/** One entry of the CONACC/CONREJ error list (marker 102). */
export interface ConnectError {
  readonly offset: number
  readonly text: string
}

// ---------------------------------------------------------------------------------------------------------------
// Negotiated framing (SQLI.md §5.2)
// ---------------------------------------------------------------------------------------------------------------

/**
 * Field widths in effect after the SQ_PROTOCOLS exchange; each flag is offered ∧ granted (see `framingFromMasks`).
 */
export interface Framing {
  /** Bit 62: i32 SQL length in SQ_PREPARE/SQ_COMMAND (else u16). */
  readonly sqlLength32: boolean
  /** Bit 62: i32 statement offset in SQ_ERR (else i16). */
  readonly errOffset32: boolean
  /** Bit 50: i32 DESCRIBE string-table size and field index (else u16). */
  readonly describeWide: boolean
  /** Bit 63: i32 NFETCH/SFETCH buffer size (else u16). */
  readonly fetchBuffer32: boolean
  /** Bit 69: i32 DESCRIBE tupleSize (else u16). */
  readonly tupleSize32: boolean
  /** Bit 70: 22-byte SQ_DONE body (i64 rows/rowid). */
  readonly done22: boolean
  /** Bit 52: named parameters (SQ_GETROUTINE kind byte, database names in the fast-path messages). */
  readonly namedParameters: boolean
}

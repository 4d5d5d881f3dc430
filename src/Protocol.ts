/**
 * The pure, synchronous SQLI codec as a client needs it: the message model of both directions, the client's encoders
 * (post-login batches, the login PDU), the incremental decoder of what a server sends, capability masks and the field
 * widths they switch, and the value codecs (binds, rows, type codes, locales). No sockets and no Effect runtime:
 * encoders return `Result`, decoders return the messages a chunk completed plus an optional `ProtocolCodecError`, and
 * nothing throws.
 *
 * The server's half of the codec (server message encoders, the client-message decoder, CONACC builders, row
 * encoding, bind decoding, batch grouping) is internal: the embedded server imports it from `src/internal/protocol`.
 *
 * ```ts
 * import * as Protocol from "effect-informix/Protocol"
 *
 * const decoder = new Protocol.ServerMessageDecoder()
 * socket.on("data", (chunk) => {
 *   const { messages, error } = decoder.push(chunk) // CONACC first, then bare messages
 * })
 * const bytes = Protocol.encodeClientBatch(
 *   [{ _tag: "Protocols", mask: Protocol.DEFAULT_CLIENT_OFFER }, { _tag: "Eot" }],
 *   Protocol.WIDE_FRAMING
 * )
 * ```
 *
 * Layouts and the evidence behind them: shared/protocol/SQLI.md; decisions made under uncertainty:
 * docs/protocol-evidence.md.
 *
 * @since 0.1.0
 */
import type * as Result from "effect/Result"
import * as bind from "./internal/protocol/bindFraming.ts"
import * as codec from "./internal/protocol/codec.ts"
import * as framing from "./internal/protocol/framing.ts"
import * as helpers from "./internal/protocol/helpers.ts"
import * as connect from "./internal/protocol/loginPdu.ts"
import type * as messages from "./internal/protocol/messages.ts"
import * as opcodes from "./internal/protocol/opcodes.ts"
import * as errors from "./internal/protocol/protocolCodecError.ts"
import * as values from "./internal/values/index.ts"

// ---------------------------------------------------------------------------------------------------------------
// models: messages
// ---------------------------------------------------------------------------------------------------------------

/**
 * One SQ_BIND parameter: type code, indicator, precision word and the bare value bytes (no length prefix, no pad).
 *
 * @since 0.1.0
 * @category models
 */
export type BindValue = messages.BindValue

/**
 * A `name=value` pair of the login env block or of SQ_INFO(INFO_ENV).
 *
 * @since 0.1.0
 * @category models
 */
export type EnvPair = messages.EnvPair

/**
 * Every post-login message a client sends (tagged union on `_tag`).
 *
 * @since 0.1.0
 * @category models
 */
export type ClientMessage = messages.ClientMessage

/**
 * Every post-login message a server sends (tagged union on `_tag`).
 *
 * @since 0.1.0
 * @category models
 */
export type ServerMessage = messages.ServerMessage

/**
 * SQ_COMMAND (1): prepare and run SQL in one round trip.
 *
 * @since 0.1.0
 * @category models
 */
export type Command = messages.Command

/**
 * SQ_PREPARE (2): prepare SQL; the reply's DESCRIBE carries the statement id.
 *
 * @since 0.1.0
 * @category models
 */
export type Prepare = messages.Prepare

/**
 * SQ_SGKPREPARE (134): ask for generated keys (JDBC `RETURN_GENERATED_KEYS`).
 *
 * @since 0.1.0
 * @category models
 */
export type SgkPrepare = messages.SgkPrepare

/**
 * SQ_NDESCRIBE (22): ask for SQ_DESCRIBE with the prepare.
 *
 * @since 0.1.0
 * @category models
 */
export type NDescribe = messages.NDescribe

/**
 * SQ_WANTDONE (49): ask for SQ_DONE in the reply.
 *
 * @since 0.1.0
 * @category models
 */
export type WantDone = messages.WantDone

/**
 * SQ_ID (4): select the statement the following messages act on.
 *
 * @since 0.1.0
 * @category models
 */
export type Id = messages.Id

/**
 * SQ_CURNAME (3): name the cursor of the current statement.
 *
 * @since 0.1.0
 * @category models
 */
export type CurName = messages.CurName

/**
 * SQ_SCROLL (24): open modifier for a scroll cursor.
 *
 * @since 0.1.0
 * @category models
 */
export type Scroll = messages.Scroll

/**
 * SQ_HOLD (43): open modifier for a WITH HOLD cursor.
 *
 * @since 0.1.0
 * @category models
 */
export type Hold = messages.Hold

/**
 * SQ_OPEN (6): open the named cursor.
 *
 * @since 0.1.0
 * @category models
 */
export type Open = messages.Open

/**
 * SQ_BIND (5): input parameter values.
 *
 * @since 0.1.0
 * @category models
 */
export type Bind = messages.Bind

/**
 * SQ_BBIND (41): announces the BYTE/TEXT contents that follow as SQ_BLOB chunks.
 *
 * @since 0.1.0
 * @category models
 */
export type BBind = messages.BBind

/**
 * SQ_BLOB (39), either direction: one BYTE/TEXT chunk; an empty chunk ends a blob.
 *
 * @since 0.1.0
 * @category models
 */
export type Blob = messages.Blob

/**
 * SQ_FERR (40): ends a BYTE/TEXT stream the client could not finish (instead of the rest of the batch).
 *
 * @since 0.1.0
 * @category models
 */
export type Ferr = messages.Ferr

/**
 * SQ_EXECUTE (7).
 *
 * @since 0.1.0
 * @category models
 */
export type Execute = messages.Execute

/**
 * SQ_NFETCH (9): fetch the next rows into a buffer of `bufferSize` bytes.
 *
 * @since 0.1.0
 * @category models
 */
export type NFetch = messages.NFetch

/**
 * SQ_SFETCH (23): scroll fetch (NEXT 1, LAST 4, ABSOLUTE 6).
 *
 * @since 0.1.0
 * @category models
 */
export type SFetch = messages.SFetch

/**
 * SQ_RET_TYPE (100): output type list JDBC sends before a fetch.
 *
 * @since 0.1.0
 * @category models
 */
export type RetType = messages.RetType

/**
 * One column of SQ_RET_TYPE.
 *
 * @since 0.1.0
 * @category models
 */
export type RetTypeColumn = messages.RetTypeColumn

/**
 * SQ_CIDESCRIBE (124): describe the input parameters.
 *
 * @since 0.1.0
 * @category models
 */
export type CiDescribe = messages.CiDescribe

/**
 * SQ_CLOSE (10): close the cursor.
 *
 * @since 0.1.0
 * @category models
 */
export type Close = messages.Close

/**
 * SQ_RELEASE (11): free the statement.
 *
 * @since 0.1.0
 * @category models
 */
export type Release = messages.Release

/**
 * SQ_BEGIN (35): BEGIN WORK.
 *
 * @since 0.1.0
 * @category models
 */
export type Begin = messages.Begin

/**
 * SQ_CMMTWORK (19): COMMIT WORK.
 *
 * @since 0.1.0
 * @category models
 */
export type CommitWork = messages.CommitWork

/**
 * SQ_RBWORK (20): ROLLBACK WORK (with its u16 savepoint level).
 *
 * @since 0.1.0
 * @category models
 */
export type RollbackWork = messages.RollbackWork

/**
 * SQ_SQLISETSVPT (137): SAVEPOINT name.
 *
 * @since 0.1.0
 * @category models
 */
export type SetSavepoint = messages.SetSavepoint

/**
 * SQ_SQLIRELSVPT (138): RELEASE SAVEPOINT name.
 *
 * @since 0.1.0
 * @category models
 */
export type ReleaseSavepoint = messages.ReleaseSavepoint

/**
 * SQ_SQLIRBACKSVPT (139): ROLLBACK TO SAVEPOINT name.
 *
 * @since 0.1.0
 * @category models
 */
export type RollbackSavepoint = messages.RollbackSavepoint

/**
 * SQ_INFO (81): session environment (INFO_ENV).
 *
 * @since 0.1.0
 * @category models
 */
export type Info = messages.Info

/**
 * SQ_DBOPEN (36): open a database.
 *
 * @since 0.1.0
 * @category models
 */
export type DbOpen = messages.DbOpen

/**
 * SQ_DBCLOSE (37): close the database.
 *
 * @since 0.1.0
 * @category models
 */
export type DbClose = messages.DbClose

/**
 * SQ_PROTOCOLS (126), either direction: capability mask.
 *
 * @since 0.1.0
 * @category models
 */
export type Protocols = messages.Protocols

/**
 * SQ_VERSION (53), client side: liveness probe.
 *
 * @since 0.1.0
 * @category models
 */
export type VersionRequest = messages.VersionRequest

/**
 * SQ_FETCHBLOB (38): fetch BYTE/TEXT content by its 56-byte descriptor.
 *
 * @since 0.1.0
 * @category models
 */
export type FetchBlob = messages.FetchBlob

/**
 * SQ_DBLIST (26), client side: list databases.
 *
 * @since 0.1.0
 * @category models
 */
export type DbListRequest = messages.DbListRequest

/**
 * SQ_BATCHSTART (141) (libsqli only).
 *
 * @since 0.1.0
 * @category models
 */
export type BatchStart = messages.BatchStart

/**
 * SQ_BATCHEND (142) (libsqli only).
 *
 * @since 0.1.0
 * @category models
 */
export type BatchEnd = messages.BatchEnd

/**
 * SQ_ACK (128): PAM start / acknowledge.
 *
 * @since 0.1.0
 * @category models
 */
export type Ack = messages.Ack

/**
 * SQ_RESPONSE (130): PAM answer.
 *
 * @since 0.1.0
 * @category models
 */
export type PamResponse = messages.PamResponse

/**
 * SQ_EXIT (56), either direction; the client sends it without EOT.
 *
 * @since 0.1.0
 * @category models
 */
export type Exit = messages.Exit

/**
 * SQ_EOT (12), either direction: end of a batch / response group.
 *
 * @since 0.1.0
 * @category models
 */
export type Eot = messages.Eot

/**
 * One column of SQ_DESCRIBE / SQ_SGKDESCRIBE.
 *
 * @since 0.1.0
 * @category models
 */
export type DescribeField = messages.DescribeField

/**
 * The SQ_DESCRIBE body shared by `Describe` and `SgkDescribe`.
 *
 * @since 0.1.0
 * @category models
 */
export type DescribeBody = messages.DescribeBody

/**
 * SQ_DESCRIBE (8): statement type, id, cost, tuple size and columns.
 *
 * @since 0.1.0
 * @category models
 */
export type Describe = messages.Describe

/**
 * SQ_SGKDESCRIBE (135): describes the generated-key columns.
 *
 * @since 0.1.0
 * @category models
 */
export type SgkDescribe = messages.SgkDescribe

/**
 * SQ_TUPLE (14): one row's payload (values back to back).
 *
 * @since 0.1.0
 * @category models
 */
export type Tuple = messages.Tuple

/**
 * SQ_SGKTUPLE (136): one generated-key row.
 *
 * @since 0.1.0
 * @category models
 */
export type SgkTuple = messages.SgkTuple

/**
 * SQ_DONE (15): completion with rows, rowid and SERIAL value.
 *
 * @since 0.1.0
 * @category models
 */
export type Done = messages.Done

/**
 * SQ_ERR (13): sqlcode, ISAM code, offset and message parameter.
 *
 * @since 0.1.0
 * @category models
 */
export type Err = messages.Err

/**
 * SQ_COST (55): optimizer estimates.
 *
 * @since 0.1.0
 * @category models
 */
export type Cost = messages.Cost

/**
 * SQ_XACTSTAT (99): transaction state change.
 *
 * @since 0.1.0
 * @category models
 */
export type XactStat = messages.XactStat

/**
 * SQ_INSERTDONE (94): generated SERIAL8 / BIGSERIAL values.
 *
 * @since 0.1.0
 * @category models
 */
export type InsertDone = messages.InsertDone

/**
 * SQ_TUPID (25): 1-based position of the row just sent (scroll cursors).
 *
 * @since 0.1.0
 * @category models
 */
export type TupId = messages.TupId

/**
 * SQ_IDESCRIBE (125): input-parameter description (reply to SQ_CIDESCRIBE).
 *
 * @since 0.1.0
 * @category models
 */
export type IDescribe = messages.IDescribe

/**
 * One parameter of SQ_IDESCRIBE.
 *
 * @since 0.1.0
 * @category models
 */
export type IDescribeParam = messages.IDescribeParam

/**
 * SQ_VERSION (53), server side: version text.
 *
 * @since 0.1.0
 * @category models
 */
export type Version = messages.Version

/**
 * SQ_DBLIST (26), server side: database names.
 *
 * @since 0.1.0
 * @category models
 */
export type DbList = messages.DbList

/**
 * SQ_ACCEPT (127): PAM authentication accepted.
 *
 * @since 0.1.0
 * @category models
 */
export type PamAccept = messages.PamAccept

/**
 * SQ_CHALLENGE (129): PAM challenge.
 *
 * @since 0.1.0
 * @category models
 */
export type PamChallenge = messages.PamChallenge

/**
 * Block 107 (process info) of the login PDU.
 *
 * @since 0.1.0
 * @category models
 */
export type ProcessInfo = messages.ProcessInfo

/**
 * The SL-framed CONREQ login PDU (user, password, server name, env, capabilities, process info).
 *
 * @since 0.1.0
 * @category models
 */
export type LoginRequest = messages.LoginRequest

/**
 * The server's CONACC (SL type 2) / CONREJ (3) / REDIRECT (13) reply; success = CONACC and `svcError` 0. After the
 * 24-byte block it carries marker 102 (svcError, osError, warnings, error list), 103 (redirect detail) or 127.
 *
 * @since 0.1.0
 * @category models
 */
export type ConnectResponse = messages.ConnectResponse

/**
 * One entry of a connect response's error list (marker 102).
 *
 * @since 0.1.0
 * @category models
 */
export type ConnectError = messages.ConnectError

/**
 * Where a login redirect (marker 103) sends the client: server name, host, and port (numeric or a service name).
 *
 * @since 0.1.0
 * @category models
 */
export type RedirectTarget = connect.RedirectTarget

/**
 * Field widths in effect after SQ_PROTOCOLS; each flag is offered ∧ granted.
 *
 * @since 0.1.0
 * @category models
 */
export type Framing = messages.Framing

// ---------------------------------------------------------------------------------------------------------------
// models: constants
// ---------------------------------------------------------------------------------------------------------------

/**
 * Message opcodes (the u16 every post-login message starts with; SQLI.md §6).
 *
 * @since 0.1.0
 * @category models
 */
export const Opcode = opcodes.Opcode

/**
 * Markers inside the CONREQ/CONACC bodies (a namespace separate from opcodes).
 *
 * @since 0.1.0
 * @category models
 */
export const LoginMarker = opcodes.LoginMarker

/**
 * Session-layer PDU types: 1 CONREQ, 2 CONACC, 3 CONREJ, 13 REDIRECT.
 *
 * @since 0.1.0
 * @category models
 */
export const SlType = opcodes.SlType

/**
 * SL attribute byte of SQLI: 60.
 *
 * @since 0.1.0
 * @category models
 */
export const SL_PROTOCOL_SQLI = opcodes.SL_PROTOCOL_SQLI

/**
 * SQ_DESCRIBE statement types (sqlstype.h): 2 SELECT, 6 INSERT, 34–36 BEGIN/COMMIT/ROLLBACK, 56 EXECUTE PROCEDURE, ….
 *
 * @since 0.1.0
 * @category models
 */
export const StatementType = opcodes.StatementType

/**
 * SQ_SFETCH scroll types JDBC 15 sends: NEXT 1, LAST 4, ABSOLUTE 6.
 *
 * @since 0.1.0
 * @category models
 */
export const ScrollType = opcodes.ScrollType

/**
 * SQ_INFO item types (only ENV = 6 is used).
 *
 * @since 0.1.0
 * @category models
 */
export const InfoType = opcodes.InfoType

/**
 * SQ_PROTOCOLS bit numbers (MSB-first) that change the wire format.
 *
 * @since 0.1.0
 * @category models
 */
export const CapabilityBit = framing.CapabilityBit

/**
 * The default client SQ_PROTOCOLS offer: JDBC's 8-byte mask `ff fc 7f fc 3c 8c aa 97` (bits 69/70 off).
 *
 * @since 0.1.0
 * @category models
 */
export const DEFAULT_CLIENT_OFFER: Uint8Array = framing.DEFAULT_CLIENT_OFFER

/**
 * JDBC 15's 9-byte offer (adds bits 69/70).
 *
 * @since 0.1.0
 * @category models
 */
export const JDBC15_CLIENT_OFFER: Uint8Array = framing.JDBC15_CLIENT_OFFER

/**
 * Framing of the default offer against any modern server: 4-byte SQL length, error offset, describe offsets and fetch buffer; u16 tupleSize, 14-byte DONE.
 *
 * @since 0.1.0
 * @category models
 */
export const WIDE_FRAMING: Framing = framing.WIDE_FRAMING

/**
 * `WIDE_FRAMING` plus bits 69/70: i32 DESCRIBE tupleSize and 22-byte SQ_DONE.
 *
 * @since 0.1.0
 * @category models
 */
export const EXTENDED_FRAMING: Framing = framing.EXTENDED_FRAMING

/**
 * Framing without any 4-byte width (nmap's 7-byte offer).
 *
 * @since 0.1.0
 * @category models
 */
export const NARROW_FRAMING: Framing = framing.NARROW_FRAMING

/**
 * Default decoder cap on one message / buffered partial message: 64 MiB.
 *
 * @since 0.1.0
 * @category models
 */
export const DEFAULT_MAX_MESSAGE_SIZE = codec.DEFAULT_MAX_MESSAGE_SIZE

/**
 * SQ_BLOB chunk size JDBC and ifxdrv use: 1024 bytes.
 *
 * @since 0.1.0
 * @category models
 */
export const BLOB_CHUNK_SIZE = helpers.BLOB_CHUNK_SIZE

/**
 * Login PDU field values every known client sends (protocol level 61, "IEEEM", "sqlexec", "9.280", Cap_1 316, …).
 *
 * @since 0.1.0
 * @category models
 */
export const LOGIN_DEFAULTS = connect.LOGIN_DEFAULTS

/**
 * JDBC's default login env block, in JDBC's order.
 *
 * @since 0.1.0
 * @category models
 */
export const JDBC_DEFAULT_LOGIN_ENV: ReadonlyArray<EnvPair> = connect.JDBC_DEFAULT_LOGIN_ENV

/**
 * SQ_INFO(INFO_ENV) exactly as JDBC 15 sends it (48 bytes with the trailing EOT).
 *
 * @since 0.1.0
 * @category models
 */
export const JDBC_INFO_ENV: Info = helpers.JDBC_INFO_ENV

// ---------------------------------------------------------------------------------------------------------------
// errors
// ---------------------------------------------------------------------------------------------------------------

/**
 * Malformed bytes (decoders; the stream cannot be resynchronised and the session must be retired) or a value that
 * cannot be represented on the wire (encoders). Carries `message`, and when known the stream/output `offset` and
 * the `opcode`.
 *
 * @since 0.1.0
 * @category errors
 */
export const ProtocolCodecError: typeof errors.ProtocolCodecError = errors.ProtocolCodecError

/**
 * @since 0.1.0
 * @category errors
 */
export type ProtocolCodecError = errors.ProtocolCodecError

// ---------------------------------------------------------------------------------------------------------------
// encoding
// ---------------------------------------------------------------------------------------------------------------

/**
 * Encode client messages back to back; include the trailing `Eot` yourself (`Exit` is sent bare). Fails with `ProtocolCodecError` on a value that does not fit its field.
 *
 * @since 0.1.0
 * @category encoding
 */
export const encodeClientBatch: (
  messages: ReadonlyArray<ClientMessage>,
  framing: Framing
) => Result.Result<Uint8Array, ProtocolCodecError> = codec.encodeClientBatch

/**
 * Encode the SL-framed CONREQ login PDU.
 *
 * @since 0.1.0
 * @category encoding
 */
export const encodeLoginRequest: (login: LoginRequest) => Result.Result<Uint8Array, ProtocolCodecError> =
  codec.encodeLoginRequest

// ---------------------------------------------------------------------------------------------------------------
// decoding
// ---------------------------------------------------------------------------------------------------------------

/**
 * What one `push` produced: the messages this chunk completed, and the error that stopped the stream, if any.
 *
 * @since 0.1.0
 * @category decoding
 */
export type DecodeResult<M> = codec.DecodeResult<M>

/**
 * Decoder options: `maxMessageSize` (default 64 MiB), initial `framing` (default `WIDE_FRAMING`),
 * `expectConnect` (default true: the SL-framed connect PDU comes first) and `keepChunks` (default false: SQ_TUPLE
 * payloads are copies; true when the caller never writes into a pushed chunk again, as with a socket's `data`
 * Buffers or a copy of each `onread` read, makes them views of the received bytes — no copy per row).
 *
 * @since 0.1.0
 * @category decoding
 */
export type DecoderOptions = codec.DecoderOptions

/**
 * Client side: incremental decoder of what a server sends — CONACC/CONREJ (`ConnectResponse`), then
 * `ServerMessage`s (optional COST/XACTSTAT/INSERTDONE may appear anywhere before EOT). `push(chunk)` returns a
 * `DecodeResult`; `pushInto(chunk, out)` writes the messages to `out[0]`, `out[1]`, … of an array the caller may
 * reuse for every chunk and returns how many, or the error (no result object or array per chunk).
 *
 * @since 0.1.0
 * @category decoding
 */
export const ServerMessageDecoder: typeof codec.ServerMessageDecoder = codec.ServerMessageDecoder

/**
 * @since 0.1.0
 * @category decoding
 */
export type ServerMessageDecoder = codec.ServerMessageDecoder

// ---------------------------------------------------------------------------------------------------------------
// constructors
// ---------------------------------------------------------------------------------------------------------------

/**
 * The framing in effect for a client offer and a server SQ_PROTOCOLS reply (each flag = offered ∧ granted).
 *
 * @since 0.1.0
 * @category constructors
 */
export const framingFromMasks: (offered: Uint8Array, granted: Uint8Array) => Framing = framing.framingFromMasks

/**
 * Whether MSB-first capability bit `bit` is set in a SQ_PROTOCOLS mask.
 *
 * @since 0.1.0
 * @category constructors
 */
export const hasBit: (mask: Uint8Array, bit: number) => boolean = framing.hasBit

/**
 * An SQ_INFO(INFO_ENV) message for arbitrary env pairs (length fields computed like nmap/JDBC).
 *
 * @since 0.1.0
 * @category constructors
 */
export const infoEnv: (env: ReadonlyArray<EnvPair>) => Info = helpers.infoEnv

/**
 * JDBC-style cursor name: `_ifxc` + 13 digits.
 *
 * @since 0.1.0
 * @category constructors
 */
export const cursorName: (n: number) => string = helpers.cursorName

/**
 * SQ_BIND for the parameters plus, for non-NULL BYTE/TEXT parameters, the SQ_BBIND + SQ_BLOB chunk stream (JDBC's order).
 *
 * @since 0.1.0
 * @category constructors
 */
export const bindMessages: (params: ReadonlyArray<BindValue>, chunkSize?: number) => Array<ClientMessage> =
  helpers.bindMessages

/**
 * One blob as SQ_BLOB chunks (at most `chunkSize` bytes each) ending with the empty chunk.
 *
 * @since 0.1.0
 * @category constructors
 */
export const blobChunks: (blob: Uint8Array, chunkSize?: number) => Array<Blob> = helpers.blobChunks

/**
 * The login PDU as JDBC/ifxdrv build it (empty database slot; open the database with SQ_DBOPEN).
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeLoginRequest: (options: LoginOptions) => LoginRequest = helpers.makeLoginRequest

/**
 * Splits a login redirect's detail as IBM's JDBC does (on `:` `=` `|`) into server name, host and port; undefined
 * when one of the three is missing.
 *
 * @since 0.1.0
 * @category constructors
 */
export const parseRedirect: (detail: string) => RedirectTarget | undefined = connect.parseRedirect

/**
 * Wire width of a fixed-width bind type (SMALLINT 2 … INT8 10, BYTE/TEXT 56 — 68 under the extended framing), or
 * undefined for length-prefixed types.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fixedBindWidth: (type: number, framing?: Framing | undefined) => number | undefined = bind.fixedBindWidth

/**
 * Whether a bind type carries the owner/name block and a 4-byte length (codes > 18 except 52/53).
 *
 * @since 0.1.0
 * @category constructors
 */
export const isExtendedBindType: (type: number) => boolean = bind.isExtendedBindType

/**
 * Inputs of `makeLoginRequest`.
 *
 * @since 0.1.0
 * @category constructors
 */
export type LoginOptions = helpers.LoginOptions

// ---------------------------------------------------------------------------------------------------------------
// value codecs (from the values layer)
// ---------------------------------------------------------------------------------------------------------------

/**
 * Encode a JS value as an SQ_BIND parameter (`BindValue`) for the session's code set; a `CodecFailure` for values the type cannot hold.
 *
 * @since 0.1.0
 * @category encoding
 */
export const encodeBind: typeof values.encodeBind = values.encodeBind

/**
 * Decode an SQ_TUPLE payload into values for the given columns.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeRow: typeof values.decodeRow = values.decodeRow

/**
 * Decode an SQ_TUPLE payload with columns prepared once by `prepareColumns` (the fast path for cursors).
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeRowValues: typeof values.decodeRowValues = values.decodeRowValues

/**
 * Prepare DESCRIBE columns once for repeated `decodeRowValues` calls.
 *
 * @since 0.1.0
 * @category decoding
 */
export const prepareColumns: typeof values.prepareColumns = values.prepareColumns

/**
 * Classify a described column into the value kind its payload decodes to.
 *
 * @since 0.1.0
 * @category decoding
 */
export const columnKind: typeof values.columnKind = values.columnKind

/**
 * A readable SQL type of a described column (e.g. `DECIMAL(16,2)`).
 *
 * @since 0.1.0
 * @category decoding
 */
export const describeColumn: typeof values.describeColumn = values.describeColumn

/**
 * IDS type codes (low byte of a DESCRIBE column type; VALUES.md §2).
 *
 * @since 0.1.0
 * @category models
 */
export const TypeCode: typeof values.TypeCode = values.TypeCode

/**
 * The SQL name of a type code.
 *
 * @since 0.1.0
 * @category models
 */
export const typeName: typeof values.typeName = values.typeName

/**
 * The code set of an Informix locale name such as `en_US.8859-1` or `en_US.utf8`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const charsetForLocale: typeof values.charsetForLocale = values.charsetForLocale

/**
 * The code set for a code-set spelling such as `8859-1` or `utf8`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const charsetForCodeSet: typeof values.charsetForCodeSet = values.charsetForCodeSet

/**
 * Whether a value-codec result is a `CodecFailure`.
 *
 * @since 0.1.0
 * @category guards
 */
export const isCodecFailure: typeof values.isCodecFailure = values.isCodecFailure

/**
 * A value-codec failure (returned, never thrown) with a readable message.
 *
 * @since 0.1.0
 * @category errors
 */
export const CodecFailure: typeof values.CodecFailure = values.CodecFailure

/**
 * @since 0.1.0
 * @category errors
 */
export type CodecFailure = values.CodecFailure

/**
 * A described column as the value codecs need it (type word, encoded length, extended id/name).
 *
 * @since 0.1.0
 * @category models
 */
export type ColumnInfo = values.ColumnInfo

/**
 * Session context of the value codecs (code set, …).
 *
 * @since 0.1.0
 * @category models
 */
export type ValueContext = values.ValueContext

/**
 * A code set: encode/decode between strings and the session's bytes.
 *
 * @since 0.1.0
 * @category models
 */
export type Charset = values.Charset

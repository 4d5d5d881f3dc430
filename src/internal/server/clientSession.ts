/* oxlint-disable no-underscore-dangle -- `_tag` is the discriminant of the tagged message unions */
/**
 * The server side of one SQLI session: the state machine of SQLI.md §8.1 (awaitLogin → awaitProtocols → ready, with
 * or without an open database) and the handling of every client batch (§8, §11).
 *
 * A batch is processed message by message against the session state; replies accumulate in order and the group ends
 * with SQ_EOT. On the first error the rest of the batch is skipped (§8.11, §8.15): the reply keeps what already
 * reflects completed work (the DONE/COST of earlier EXECUTEs, which JDBC's executeBatch needs for its update counts)
 * and then carries SQ_ERR + SQ_EOT. Everything that waits (lock retries, stalls, SQL sleeps, long cursors) is an
 * Effect, so the connection can interrupt it when the urgent byte arrives; the state stays as it was at that point.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { WIDE_FRAMING } from "../protocol/framing.ts"
import type {
  BindValue,
  ClientMessage,
  ConnectResponse,
  Err,
  Framing,
  LoginRequest,
  ServerMessage
} from "../protocol/messages.ts"
import { type Charset, latin1Charset } from "../values/charset.ts"
import type { ServerContext } from "./context.ts"
import { describeBody, idescribe } from "./describe.ts"
import { takeStall } from "./faults.ts"
import {
  closeCursor,
  closeCursorsAtEnd,
  nfetch,
  open,
  openCursorOrFail,
  pull,
  scrollCount,
  scrollRow,
  sfetch
} from "./fetchScroll.ts"
import { runInstance } from "./instanceStatements.ts"
import {
  closeDatabase,
  dbOpen,
  dbOpenMessage,
  framingFor,
  login,
  type OpenDatabase,
  openedDone,
  replyMask,
  requireDb
} from "./login.ts"
import { pamMode, pamTurn, withPamBit } from "./pamConversation.ts"
import {
  addStatement,
  consumeBind,
  currentOrFail,
  execute,
  injectedFailure,
  lowestFreeId,
  prepare,
  release,
  savepoint,
  sleepFor,
  startRun,
  type Statement,
  transaction,
  withLockWait
} from "./prepareExecute.ts"
import { isRoutineCall, routineFastPathStep } from "./routineFastPath.ts"
import { makeBlobStore, replyCharset } from "./rowCodec.ts"
import type { BlobStore } from "./rowCodec.ts"
import {
  BatchFailure,
  concat,
  err,
  SQL_BAD_STATEMENT_ID,
  SQL_CURSOR_NAME_IN_USE,
  SQL_CURSOR_NOT_OPEN,
  SQL_FRONT_END_BLOB_ERROR,
  SQL_INTERRUPTED,
  SQL_NO_DATABASE,
  SQL_TRANSACTION_OPEN
} from "./sessionReplies.ts"
import { smartLobStep } from "./smartLobCalls.ts"
import { smartLobStoreFor } from "./smartLobStore.ts"

/** Everything the decoder hands the session. */
export type Inbound = LoginRequest | ClientMessage

/** Work in progress for the current batch. Kept outside the generator so interruption can clean up after it. */
export interface BatchState {
  readonly out: Array<ServerMessage>
  /** Length of `out` that survives an error (replies of completed EXECUTEs). */
  keep: number
  pendingCursorName: string | undefined
  scroll: boolean
  hold: boolean
  rawBind: ReadonlyArray<BindValue> | undefined
  bindTarget: Statement | undefined
  blobsExpected: number
  blobs: Array<Uint8Array>
  blobChunks: Array<Uint8Array>
  /** Statements allocated by SQ_COMMAND in this batch (freed by the server if the batch fails, §8.3). */
  commandStatements: Array<number>
}

const newBatchState = (): BatchState => ({
  out: [],
  keep: 0,
  pendingCursorName: undefined,
  scroll: false,
  hold: false,
  rawBind: undefined,
  bindTarget: undefined,
  blobsExpected: 0,
  blobs: [],
  blobChunks: [],
  commandStatements: []
})

export type Phase = "awaitLogin" | "awaitProtocols" | "awaitPam" | "ready" | "closed"

export class Session {
  readonly id: number
  phase: Phase = "awaitLogin"
  framing: Framing = WIDE_FRAMING
  user: string | undefined = undefined
  /** Answers taken in the PAM loop (pamConversation.ts). */
  pamStep = 0
  /** What sysmaster:syssessions shows: the client's host, program and process, and when it logged in. */
  client = { hostname: "", program: "", pid: 0, connected: 0 }
  env = new Map<string, string>()
  charset: Charset
  database: OpenDatabase | undefined = undefined
  readonly statements = new Map<number, Statement>()
  current: Statement | undefined = undefined
  /** The batch being handled (its replies so far are kept when it is interrupted). */
  running: BatchState | undefined = undefined
  /**
   * IBM JDBC follows SQ_FPDESCRIBE with a second SQ_EOT and reads one reply (`IfxSqli.executeFPDescribe`, seen in its
   * protocol trace): that bare SQ_EOT is not answered (routineFastPath.ts sets this).
   */
  strayEot = false
  readonly ctx: ServerContext
  readonly blobs: BlobStore

  constructor(ctx: ServerContext, id: number) {
    this.ctx = ctx
    this.id = id
    // Until a database is open only ASCII protocol strings travel; 8859-1 keeps any other byte intact.
    this.charset = replyCharset(latin1Charset)
    this.blobs = makeBlobStore(() =>
      this.database === undefined ? undefined : smartLobStoreFor(ctx, this.database.name)
    )
  }

  /**
   * SQ_ERR carries its parameter (a table, a value near an error) as bytes; the protocol encoder writes one byte per
   * character, so the text goes in as the database code set's bytes (never failing on a character).
   */
  wireSafe(error: Err): Err {
    const bytes = this.charset.encode(error.parameter)
    let parameter = ""
    for (let i = 0; i < bytes.length; i++) parameter += String.fromCharCode(bytes[i]!)
    return { ...error, parameter }
  }

  /** Number of open cursors (for leak checks). */
  get openCursors(): number {
    let n = 0
    for (const s of this.statements.values()) if (s.cursor !== undefined) n++
    return n
  }

  /** Processes one batch (the login PDU counts as one). */
  handle(
    batch: ReadonlyArray<Inbound>
  ): Effect.Effect<
    {
      readonly messages: ReadonlyArray<ServerMessage> | undefined
      readonly connect?: ConnectResponse
      readonly close: boolean
    }
  > {
    const first = batch[0]
    if (first !== undefined && first._tag === "LoginRequest") {
      return Effect.map(Clock.currentTimeMillis, (now) => {
        this.client = {
          hostname: first.processInfo?.hostname ?? "",
          program: first.applicationName ?? "",
          pid: first.processInfo?.pid ?? 0,
          connected: Math.floor(now / 1000)
        }
        return this.login(first)
      })
    }
    if (this.phase === "awaitPam") return Effect.succeed(this.pamTurn(batch))
    const stray = this.strayEot
    this.strayEot = false
    if (stray && batch.length === 1 && batch[0]!._tag === "Eot") return Effect.succeed({ messages: [], close: false })
    const state = newBatchState()
    this.running = state
    return Effect.gen({ self: this }, function*() {
      const stall = takeStall(this.ctx.faults)
      if (stall !== undefined && stall > 0) yield* Effect.sleep(stall)
      let close = false
      for (const message of batch) {
        const outcome = yield* this.step(message, state).pipe(
          Effect.catch((failure: BatchFailure) => Effect.succeed(failure))
        )
        if (outcome instanceof BatchFailure) {
          this.abandonBatch(state, batch)
          state.out.length = state.keep
          state.out.push(this.wireSafe(outcome.err), { _tag: "Eot" })
          return { messages: state.out, close: false }
        }
        if (outcome === "exit") {
          close = true
          break
        }
      }
      return { messages: state.out, close }
    }).pipe(
      Effect.onInterrupt(() => Effect.sync(() => this.abandonBatch(state, batch))),
      Effect.ensuring(Effect.sync(() => {
        if (this.running === state) this.running = undefined
      })),
      // A bug below (an engine call that throws) must not kill the session silently: the client gets an answer
      // (−999 "not implemented yet", IBM's catch-all) and the defect is logged.
      Effect.catchDefect((defect) =>
        Effect.as(
          Effect.logError("TestServer: request failed unexpectedly", defect),
          { messages: [err(-999, 0, String(defect).slice(0, 200)), { _tag: "Eot" } as const], close: false }
        )
      )
    )
  }

  /**
   * The reply to an interrupted request (SQLI.md §8.12): SQ_ERR −213, isam 0, offset 0, no parameter — after what the
   * batch's completed EXECUTEs already answered (their DONEs), as for any other failure mid-batch (§8.15), so a
   * client learns which rows of an interrupted `executeBatch` ran.
   */
  interruptedReply(): ReadonlyArray<ServerMessage> {
    const kept = this.running === undefined ? [] : this.running.out.slice(0, this.running.keep)
    return [...kept, err(SQL_INTERRUPTED), { _tag: "Eot" }]
  }

  /** Frees everything: cursors, statements, the engine session (which rolls back an open transaction). */
  close(): void {
    if (this.phase === "closed") return
    this.phase = "closed"
    this.closeDatabase()
  }

  // -------------------------------------------------------------------------------------------------------------
  // One message
  // -------------------------------------------------------------------------------------------------------------

  step(message: Inbound, state: BatchState): Effect.Effect<"exit" | void, BatchFailure> {
    const out = state.out
    // oxlint-disable-next-line unicorn/consistent-function-scoping -- the failure helper of this switch, kept beside it
    const fail = (e: Err) => Effect.fail(new BatchFailure(e))
    switch (message._tag) {
      case "LoginRequest":
        return fail(err(-408))
      case "Protocols": {
        this.framing = this.framingFor(message.mask)
        const pam = this.phase === "awaitProtocols" && this.pamMode() !== undefined
        if (this.phase === "awaitProtocols") this.phase = pam ? "awaitPam" : "ready"
        const mask = this.replyMask()
        // Bit 44 (byte 5, 0x08) asks the client for the PAM loop (JDBC: `handleProtocolByte_6`).
        out.push({ _tag: "Protocols", mask: pam ? withPamBit(mask) : mask })
        return Effect.void
      }
      case "Info": {
        for (const [name, value] of message.env) this.env.set(name, value)
        return Effect.void
      }
      case "DbOpen":
        return this.dbOpenMessage(message.name, state)
      case "DbClose": {
        if (this.database === undefined) return fail(err(SQL_NO_DATABASE))
        if (this.database.engine.inTransaction) return fail(err(SQL_TRANSACTION_OPEN))
        this.closeDatabase()
        return Effect.void
      }
      case "VersionRequest":
        out.push({ _tag: "Version", text: this.ctx.config.serverVersion })
        return Effect.void
      case "DbListRequest":
        out.push({ _tag: "DbList", names: [...this.ctx.engine.databaseNames()] })
        return Effect.void
      case "Prepare":
      case "Command":
        return this.prepare(message.sql, message._tag === "Command", state)
      case "SgkPrepare": {
        if (this.current !== undefined) this.current.generatedKeys = message.value !== 0
        return Effect.void
      }
      case "NDescribe": {
        const stmt = this.current
        if (stmt === undefined) return fail(err(SQL_BAD_STATEMENT_ID))
        out.push({ _tag: "Describe", ...describeBody(stmt.statementType, stmt.id, stmt.columns) })
        return Effect.void
      }
      case "WantDone": {
        out.push({ _tag: "Done", warnings: 0, rows: 0, rowid: 0, serial: 0 }, {
          _tag: "Cost",
          estimatedRows: 0,
          estimatedCost: 0
        })
        return Effect.void
      }
      case "Id": {
        const stmt = this.statements.get(message.statementId)
        if (stmt === undefined) return fail(err(SQL_BAD_STATEMENT_ID))
        this.current = stmt
        return Effect.void
      }
      case "CiDescribe": {
        const stmt = this.current
        if (stmt === undefined) return fail(err(SQL_BAD_STATEMENT_ID))
        const params = stmt.kind._tag === "Engine" ? stmt.kind.prepared.paramTypes : []
        out.push(idescribe(params))
        return Effect.void
      }
      case "CurName": {
        for (const other of this.statements.values()) {
          if (other.cursor !== undefined && other.cursor.name === message.name && other !== this.current) {
            return fail(err(SQL_CURSOR_NAME_IN_USE, 0, message.name))
          }
        }
        state.pendingCursorName = message.name
        return Effect.void
      }
      case "Scroll":
        state.scroll = true
        return Effect.void
      case "Hold":
        state.hold = true
        return Effect.void
      case "Bind": {
        const stmt = this.current
        if (stmt === undefined) return fail(err(SQL_BAD_STATEMENT_ID))
        state.rawBind = message.params
        state.bindTarget = stmt
        state.blobs = []
        return Effect.void
      }
      case "BBind":
        state.blobsExpected = message.blobCount
        state.blobChunks = []
        return Effect.void
      case "Blob": {
        if (state.blobsExpected <= state.blobs.length) return fail(err(-408))
        if (message.data.length === 0) {
          state.blobs.push(concat(state.blobChunks))
          state.blobChunks = []
        } else {
          state.blobChunks.push(message.data)
        }
        return Effect.void
      }
      case "Ferr":
        // The client could not finish a BYTE/TEXT value (JDBC `sendStreamBlob`): nothing of the batch runs, the
        // bind is dropped, and the answer is −619 "A blob error has occurred in the front-end application" — JDBC
        // reads −619 as a resync point ("Error Code 619, resyncing data", `IfxSqli.receiveError`). Guessed: no
        // capture of a real server's answer to SQ_FERR exists (docs/protocol-evidence.md).
        state.rawBind = undefined
        return fail(err(SQL_FRONT_END_BLOB_ERROR))
      case "RetType":
        if (this.current !== undefined) this.blobs.retTypes.set(this.current.id, message.columns.map((c) => c.type))
        return Effect.void
      case "BatchStart":
      case "BatchEnd":
      case "Ack":
      case "PamResponse":
        return Effect.void
      case "Open":
        return this.open(state)
      case "Execute":
        return this.execute(state)
      case "NFetch":
        return this.nfetch(message.bufferSize, state)
      case "SFetch":
        return this.sfetch(message.scrollType, message.target, state)
      case "FpDescribe":
        return routineFastPathStep(this, message, state)
      case "GetRoutine":
      case "ExFpRoutine":
        // SPL routines (CallableStatement OUT parameters) or the smart-LOB `ifx_lo_*` routines.
        return isRoutineCall(message) ? routineFastPathStep(this, message, state) : smartLobStep(this, message, state)
      case "LoData":
        return smartLobStep(this, message, state)
      case "FetchBlob": {
        const content = this.blobs.lookup(message.descriptor)
        if (content === undefined) return fail(err(-608))
        for (let i = 0; i < content.length; i += 1024) {
          out.push({ _tag: "Blob", data: content.subarray(i, i + 1024) })
        }
        out.push({ _tag: "Blob", data: new Uint8Array(0) })
        return Effect.void
      }
      case "Close": {
        const stmt = this.current
        if (stmt === undefined) return fail(err(SQL_BAD_STATEMENT_ID))
        // Closing a cursor the transaction's end already closed is what every client does after COMMIT: no error. The
        // same for one closed under OPTOFC (a CLOSE may be on its way before the client has read the SQ_CLOSE).
        if (stmt.cursor === undefined && stmt.closedBy === undefined) return fail(err(SQL_CURSOR_NOT_OPEN))
        stmt.closedBy = undefined
        this.closeCursor(stmt)
        return Effect.void
      }
      case "Release": {
        const stmt = this.current
        if (stmt === undefined) return fail(err(SQL_BAD_STATEMENT_ID))
        this.release(stmt)
        return Effect.void
      }
      case "Begin":
        return this.transaction("begin", state)
      case "CommitWork":
        return this.transaction("commit", state)
      case "RollbackWork":
        return this.transaction("rollback", state)
      case "SetSavepoint":
        return this.savepoint((db) => db.savepoint(message.name))
      case "ReleaseSavepoint":
        return this.savepoint((db) => db.releaseSavepoint(message.name))
      case "RollbackSavepoint":
        return this.savepoint((db) => db.rollbackToSavepoint(message.name))
      case "Exit": {
        this.close()
        out.push({ _tag: "Exit" }, { _tag: "Eot" })
        return Effect.succeed("exit" as const)
      }
      case "Eot": {
        // A bind-only batch (ifxdrv style, SQLI.md §8.5): convert now so conversion errors answer this batch.
        if (state.rawBind !== undefined) {
          return Effect.flatMap(this.consumeBind(state), () => {
            out.push({ _tag: "Eot" })
            return Effect.void
          })
        }
        out.push({ _tag: "Eot" })
        return Effect.void
      }
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // Failure bookkeeping
  // -------------------------------------------------------------------------------------------------------------

  /**
   * After a failed or interrupted batch: a statement that SQ_COMMAND allocated in it is freed when the batch asked
   * for its release (`COMMAND … EXECUTE RELEASE`): the client never learns its id (SQLI.md §8.3, §13 Q24).
   */
  abandonBatch(state: BatchState, batch: ReadonlyArray<Inbound>): void {
    if (state.commandStatements.length === 0) return
    const releases = batch.some((m) => m._tag === "Release")
    if (!releases) return
    for (const id of state.commandStatements) {
      const stmt = this.statements.get(id)
      if (stmt !== undefined) this.release(stmt)
    }
    state.commandStatements.length = 0
  }

  // The handlers of each message family live in their own file (login.ts, prepareExecute.ts, fetchScroll.ts) as functions
  // of `this: Session`; installed on the prototype below (non-enumerable, like class methods).
  declare readonly login: typeof login
  declare readonly framingFor: typeof framingFor
  declare readonly replyMask: typeof replyMask
  declare readonly pamMode: typeof pamMode
  declare readonly pamTurn: typeof pamTurn
  declare readonly dbOpen: typeof dbOpen
  declare readonly dbOpenMessage: typeof dbOpenMessage
  declare readonly openedDone: typeof openedDone
  declare readonly runInstance: typeof runInstance
  declare readonly closeDatabase: typeof closeDatabase
  declare readonly requireDb: typeof requireDb
  declare readonly transaction: typeof transaction
  declare readonly savepoint: typeof savepoint
  declare readonly prepare: typeof prepare
  declare readonly addStatement: typeof addStatement
  declare readonly lowestFreeId: typeof lowestFreeId
  declare readonly release: typeof release
  declare readonly closeCursorsAtEnd: typeof closeCursorsAtEnd
  declare readonly closeCursor: typeof closeCursor
  declare readonly consumeBind: typeof consumeBind
  declare readonly currentOrFail: typeof currentOrFail
  declare readonly injectedFailure: typeof injectedFailure
  declare readonly startRun: typeof startRun
  declare readonly execute: typeof execute
  declare readonly open: typeof open
  declare readonly sleepFor: typeof sleepFor
  declare readonly withLockWait: typeof withLockWait
  declare readonly openCursorOrFail: typeof openCursorOrFail
  declare readonly pull: typeof pull
  declare readonly nfetch: typeof nfetch
  declare readonly sfetch: typeof sfetch
  declare readonly scrollCount: typeof scrollCount
  declare readonly scrollRow: typeof scrollRow
}

const methods = {
  login,
  framingFor,
  replyMask,
  pamMode,
  pamTurn,
  dbOpen,
  dbOpenMessage,
  openedDone,
  runInstance,
  closeDatabase,
  requireDb,
  transaction,
  savepoint,
  prepare,
  addStatement,
  lowestFreeId,
  release,
  closeCursorsAtEnd,
  closeCursor,
  consumeBind,
  currentOrFail,
  injectedFailure,
  startRun,
  execute,
  open,
  sleepFor,
  withLockWait,
  openCursorOrFail,
  pull,
  nfetch,
  sfetch,
  scrollCount,
  scrollRow
}
for (const [name, method] of Object.entries(methods)) {
  Object.defineProperty(Session.prototype, name, { value: method, writable: true, configurable: true })
}

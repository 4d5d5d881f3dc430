/**
 * Pre-built client messages and batch shapes the connection sends (SQLI.md §8), so the flows read like the spec.
 *
 * @internal
 */
import { infoEnv } from "../protocol/helpers.ts"
import type * as M from "../protocol/messages.ts"
import type { RequestPart } from "./blobBinds.ts"

export const EOT: M.Eot = { _tag: "Eot" }
export const NDESCRIBE: M.NDescribe = { _tag: "NDescribe" }
export const WANTDONE: M.WantDone = { _tag: "WantDone" }
export const OPEN: M.Open = { _tag: "Open" }
export const EXECUTE: M.Execute = { _tag: "Execute" }
export const CLOSE: M.Close = { _tag: "Close" }
export const RELEASE: M.Release = { _tag: "Release" }
export const BEGIN: M.Begin = { _tag: "Begin" }
export const COMMIT: M.CommitWork = { _tag: "CommitWork" }
export const ROLLBACK: M.RollbackWork = { _tag: "RollbackWork", savepointLevel: 0 }
export const EXIT: M.Exit = { _tag: "Exit" }

export const id = (statementId: number): M.Id => ({ _tag: "Id", statementId })

export const nfetch = (bufferSize: number): M.NFetch => ({ _tag: "NFetch", bufferSize, fetchArraySize: 0 })

/**
 * The session environment (SQLI.md §4.2) IBM JDBC sends with its `OPTOFC` property: its DBTEMP and SUBQCACHESZ
 * (`JDBC_INFO_ENV`, what the session sends with `optofc: false`) and OPTOFC=1, in the order JDBC's `Properties` gives
 * them (seen in TestServer's trace of JDBC 15). The server then closes a SELECT's cursor itself once its last row is
 * fetched and says so (SQ_CLOSE), so no CLOSE of ours follows (cursorStreams.ts `closedByServer`;
 * docs/protocol-evidence.md).
 */
export const INFO_ENV: M.Info = infoEnv([["DBTEMP", "/tmp"], ["OPTOFC", "1"], ["SUBQCACHESZ", "10"]])

/** BYTE/TEXT content travels in chunks of this size after SQ_BBIND (JDBC and informix-driver use 1024). */
export const BLOB_CHUNK = 1024

const BLOB_END: M.Blob = { _tag: "Blob", data: new Uint8Array(0) }

/**
 * SQ_BIND for `params`, followed — when some are BYTE/TEXT — by the SQ_BBIND stream of their contents
 * (SQLI.md §7.16): per blob, SQ_BLOB chunks (or the place of a streamed value, blobBinds.ts) and an empty SQ_BLOB
 * terminator.
 */
export const bindMessages = (params: ReadonlyArray<M.BindValue>): Array<RequestPart> => {
  if (params.length === 0) return []
  const out: Array<RequestPart> = [{ _tag: "Bind", params }]
  const blobs = params.filter((p) => (p.blob !== undefined || p.blobStream !== undefined) && p.indicator === 0)
  if (blobs.length === 0) return out
  out.push({ _tag: "BBind", blobCount: blobs.length })
  for (const p of blobs) {
    if (p.blobStream !== undefined) {
      out.push({ _tag: "StreamedBlob", index: params.indexOf(p), content: p.blobStream }, BLOB_END)
      continue
    }
    const content = p.blob!
    for (let offset = 0; offset < content.length; offset += BLOB_CHUNK) {
      out.push({ _tag: "Blob", data: content.subarray(offset, Math.min(offset + BLOB_CHUNK, content.length)) })
    }
    out.push(BLOB_END)
  }
  return out
}

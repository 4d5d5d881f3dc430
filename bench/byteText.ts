/**
 * BYTE with bounded memory: a 256 MiB BYTE (`BYTETEXT_BENCH_BYTES` to change; the TestServer keeps BYTE values in
 * SQLite, whose limit is 10^9 bytes, so 1 GiB does not fit) written from a lazily generated Stream with
 * `InformixValue.byteStream` and read back with `streamBlob`, checking every byte on the fly; the peak heap growth
 * must stay under 64 MiB (largeValue.ts). Writing holds one framed piece at a time (the next is pulled once Node's
 * socket buffer drains); reading holds at most 256 KiB plus one socket read before the socket is paused.
 */
import * as Effect from "effect/Effect"
import * as InformixValue from "../src/InformixValue.ts"
import { runLargeValueBench } from "./largeValue.ts"

runLargeValueBench({
  name: "byteText",
  label: "BYTE",
  size: Number(process.env["BYTETEXT_BENCH_BYTES"] ?? 2 ** 28),
  write: (conn, input) =>
    Effect.andThen(
      conn.execute("CREATE TABLE docs (id INTEGER, b BYTE)"),
      conn.execute("INSERT INTO docs VALUES (1, ?)", [InformixValue.byteStream(input)])
    ),
  read: (conn) => conn.streamBlob("SELECT b FROM docs WHERE id = 1")
})

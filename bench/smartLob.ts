/**
 * Smart large objects with bounded memory: a 1 GiB BLOB (`SMARTLOB_BENCH_BYTES` to change) written from a lazily
 * generated stream with `createSmartLob` and read back with `readSmartLob`, checking every byte on the fly; the peak
 * heap growth must stay under 64 MiB (largeValue.ts). The driver holds one SQ_LODATA message (256 000 bytes) at a
 * time, never the object.
 */
import { runLargeValueBench } from "./largeValue.ts"

runLargeValueBench({
  name: "smartLob",
  label: "smart LOB",
  size: Number(process.env["SMARTLOB_BENCH_BYTES"] ?? 2 ** 30),
  write: (conn, input) => conn.createSmartLob("BLOB", input),
  read: (conn, locator) => conn.readSmartLob(locator)
})

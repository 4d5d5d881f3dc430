/**
 * The reference tables of VALUES.md, read from the spec itself so a drift between spec and codec fails here:
 * §10.7 (every DATETIME qualifier), §10.8 (every INTERVAL qualifier at default precision), and hand-copied §9.5
 * (DECIMAL worked examples) and §10.6 (DATETIME/INTERVAL worked examples).
 */
import { assert, describe, it } from "@effect/vitest"
import * as BigDecimal from "effect/BigDecimal"
import * as Option from "effect/Option"
import * as fs from "node:fs"
import * as path from "node:path"
import * as IV from "../../src/InformixValue.ts"
import {
  CodecFailure,
  decodeDateTime,
  decodeInterval,
  decodeRow,
  encodeDateTime,
  encodeInterval,
  encodeRow,
  packedWidth
} from "../../src/internal/values/index.ts"
import { column, fromHex, latin1Ctx, sharedDir, toHex } from "./support.ts"

const ok = <A>(a: A | CodecFailure | null): A => {
  if (a instanceof CodecFailure) assert.fail(a.message)
  if (a === null) assert.fail("unexpected NULL")
  return a as A
}

const qualifierOf = (text: string): IV.Qualifier => {
  const parsed = IV.parseQualifier(text)
  if (Option.isNone(parsed)) assert.fail(`bad qualifier ${text}`)
  return parsed.value
}

const spec = fs.readFileSync(path.join(sharedDir, "VALUES.md"), "utf8")

/** Rows `| QUALIFIER | 0x.... | digits | width | \`bytes\` |` of the section starting with `heading`. */
const tableRows = (heading: string) => {
  const start = spec.indexOf(heading)
  const end = spec.indexOf("\n### ", start + heading.length)
  const section = spec.slice(start, end < 0 ? undefined : end)
  const rows: Array<{ qualifier: string; collen: number; digits: number; width: number; bytes: string }> = []
  for (const line of section.split("\n")) {
    const m = /^\| ([A-Z() 0-9]+?) \| 0x([0-9A-F]{4}) \| (\d+) \| (\d+) \| `([0-9a-f ]+)` \|$/.exec(line)
    if (m !== null) {
      rows.push({
        qualifier: m[1]!,
        collen: parseInt(m[2]!, 16),
        digits: Number(m[3]),
        width: Number(m[4]),
        bytes: m[5]!.replace(/ /g, "")
      })
    }
  }
  return rows
}

describe("VALUES.md §10.7: every DATETIME qualifier, sample 2026-08-31 12:30:15.12345", () => {
  const rows = tableRows("### 10.7")
  it("the table has all 56 qualifiers", () => assert.strictEqual(rows.length, 56))
  const sample = { year: 2026, month: 8, day: 31, hour: 12, minute: 30, second: 15, fraction: 12345 }
  for (const row of rows) {
    it(`${row.qualifier}: collen 0x${row.collen.toString(16)}, width ${row.width}, ${row.bytes}`, () => {
      const q = qualifierOf(row.qualifier)
      assert.strictEqual(q.encoded, row.collen)
      assert.strictEqual(q.digits, row.digits)
      assert.strictEqual(packedWidth(q.encoded), row.width)
      assert.strictEqual(IV.Qualifier.fromEncoded(row.collen)?.toString(), q.toString())
      const dt = new IV.DateTime(q, sample)
      assert.strictEqual(toHex(ok(encodeDateTime(dt))), row.bytes)
      const back = ok(decodeDateTime(fromHex(row.bytes), q))
      assert.deepStrictEqual(back, dt)
      // And as a row column, through the server encoder and the client decoder.
      const columns = [column(10, row.collen)]
      assert.strictEqual(toHex(ok(encodeRow(columns, [dt], latin1Ctx))), row.bytes)
      assert.deepStrictEqual(ok(decodeRow(fromHex(row.bytes), columns, latin1Ctx)), [dt])
    })
  }
})

describe("VALUES.md §10.8: every INTERVAL qualifier at default precision, samples 5-03 and 3 04:05:06.12345", () => {
  const rows = tableRows("### 10.8")
  it("the table has all 38 qualifiers", () => assert.strictEqual(rows.length, 38))
  for (const row of rows) {
    it(`${row.qualifier}: collen 0x${row.collen.toString(16)}, ${row.bytes}`, () => {
      const q = qualifierOf(row.qualifier)
      assert.strictEqual(q.encoded, row.collen)
      assert.strictEqual(packedWidth(q.encoded), row.width)
      const value = q.isYearMonth
        ? new IV.IntervalYearMonth(q, { years: 5, months: 3 })
        : new IV.IntervalDayTime(q, { days: 3, hours: 4, minutes: 5, seconds: 6, fraction: 12345 })
      assert.strictEqual(toHex(ok(encodeInterval(value))), row.bytes)
      assert.deepStrictEqual(ok(decodeInterval(fromHex(row.bytes), q)), value)
      const columns = [column(14, row.collen)]
      assert.strictEqual(toHex(ok(encodeRow(columns, [value], latin1Ctx))), row.bytes)
    })
  }
})

describe("VALUES.md §10.6 worked examples (incl. normalized alternatives)", () => {
  const cases: ReadonlyArray<{ q: string; value: string; bytes: string; alt?: string }> = [
    { q: "YEAR TO SECOND", value: "2026-08-31 12:30:15", bytes: "c7141a081f0c1e0f" },
    { q: "YEAR TO SECOND", value: "2026-05-04 12:34:56", bytes: "c7141a05040c2238" },
    { q: "YEAR TO FRACTION(3)", value: "2026-08-31 12:30:15.120", bytes: "c7141a081f0c1e0f0c00" },
    { q: "YEAR TO FRACTION(5)", value: "2026-08-31 12:30:15.12000", bytes: "c7141a081f0c1e0f0c0000" },
    { q: "YEAR TO FRACTION(1)", value: "2026-08-31 12:30:15.1", bytes: "c7141a081f0c1e0f0a" },
    { q: "YEAR TO DAY", value: "2026-05-04", bytes: "c7141a0504" },
    { q: "YEAR TO MINUTE", value: "2026-05-04 12:34", bytes: "c7141a05040c22" },
    { q: "YEAR TO YEAR", value: "2026", bytes: "c7141a" },
    { q: "MONTH TO DAY", value: "12-25", bytes: "c50c19" },
    { q: "HOUR TO MINUTE", value: "12:34", bytes: "c30c22" },
    { q: "HOUR TO MINUTE", value: "00:30", bytes: "c3001e", alt: "c21e00" },
    { q: "HOUR TO SECOND", value: "12:34:56", bytes: "c30c2238" },
    { q: "HOUR TO FRACTION(3)", value: "09:05:07.250", bytes: "c30905071900" },
    { q: "YEAR TO FRACTION(5)", value: "2024-01-31 12:34:56.78900", bytes: "c71418011f0c22384e5a00" },
    { q: "YEAR TO FRACTION(5)", value: "2024-02-29 13:45:56.78900", bytes: "c71418021d0d2d384e5a00" }
  ]
  for (const c of cases) {
    it(`DATETIME ${c.q} ${c.value} ↔ ${c.bytes}`, () => {
      const q = qualifierOf(c.q)
      const dt = Option.getOrThrow(IV.DateTime.parse(c.value, q))
      assert.strictEqual(dt.toString(), c.value)
      assert.strictEqual(toHex(ok(encodeDateTime(dt))), c.bytes)
      assert.strictEqual(ok(decodeDateTime(fromHex(c.bytes), q)).toString(), c.value)
      if (c.alt !== undefined) assert.strictEqual(ok(decodeDateTime(fromHex(c.alt), q)).toString(), c.value)
    })
  }
  const intervals: ReadonlyArray<{ q: string; value: string; bytes: string; alt?: string }> = [
    { q: "DAY(3) TO SECOND", value: "123 04:05:06", bytes: "c50117040506" },
    { q: "DAY(3) TO SECOND", value: "-123 04:05:06", bytes: "3a624c5f5e5e" },
    { q: "DAY(2) TO SECOND", value: "3 04:05:06", bytes: "c403040506" },
    { q: "DAY(2) TO SECOND", value: "-3 04:05:06", bytes: "3b605f5e5e" },
    { q: "YEAR(4) TO MONTH", value: "5-03", bytes: "c7000503", alt: "c6050300" },
    { q: "YEAR(4) TO MONTH", value: "-5-03", bytes: "38635e61", alt: "395e6100" },
    { q: "YEAR(4) TO MONTH", value: "2026-11", bytes: "c7141a0b" },
    { q: "YEAR(9) TO MONTH", value: "1-06", bytes: "ca000000000106", alt: "c6010600000000" },
    { q: "MONTH(3) TO MONTH", value: "365", bytes: "c60341" },
    { q: "HOUR(2) TO MINUTE", value: "99:30", bytes: "c3631e" },
    { q: "MINUTE(2) TO SECOND", value: "23:45", bytes: "c2172d" },
    { q: "DAY(2) TO FRACTION(3)", value: "1 00:00:00.500", bytes: "c4010000003200" },
    {
      q: "DAY(9) TO FRACTION(5)",
      value: "3 04:05:06.00000",
      bytes: "c80000000003040506000000",
      alt: "c40304050600000000000000"
    },
    {
      q: "DAY(9) TO FRACTION(5)",
      value: "-0 00:00:45.00000",
      bytes: "376363636363636337000000",
      alt: "3e3700000000000000000000"
    },
    { q: "DAY(5) TO SECOND", value: "10 04:30:15", bytes: "c600000a041e0f", alt: "c40a041e0f0000" },
    { q: "DAY(5) TO SECOND", value: "0 00:00:00", bytes: "c6000000000000", alt: "80000000000000" }
  ]
  for (const c of intervals) {
    it(`INTERVAL ${c.q} ${c.value} ↔ ${c.bytes}`, () => {
      const q = qualifierOf(c.q)
      const value: IV.IntervalYearMonth | IV.IntervalDayTime = q.isYearMonth
        ? Option.getOrThrow(IV.IntervalYearMonth.parse(c.value, q))
        : Option.getOrThrow(IV.IntervalDayTime.parse(c.value, q))
      assert.strictEqual(value.toString(), c.value)
      assert.strictEqual(toHex(ok(encodeInterval(value))), c.bytes)
      assert.strictEqual(ok(decodeInterval(fromHex(c.bytes), q)).toString(), c.value)
      if (c.alt !== undefined) assert.strictEqual(ok(decodeInterval(fromHex(c.alt), q)).toString(), c.value)
    })
  }
})

describe("VALUES.md §9.5 DECIMAL worked examples", () => {
  const rows: ReadonlyArray<{ value: string; collen: number; bytes: string; type?: number }> = [
    { value: "0", collen: 0x10ff, bytes: "80" + "00".repeat(9) },
    { value: "1", collen: 0x10ff, bytes: "c101" + "00".repeat(8) },
    { value: "-1", collen: 0x10ff, bytes: "3e63" + "00".repeat(8) },
    { value: "100", collen: 0x10ff, bytes: "c201" + "00".repeat(8) },
    { value: "-100", collen: 0x10ff, bytes: "3d63" + "00".repeat(8) },
    { value: "123.45", collen: 0x0502, bytes: "c201172d" },
    { value: "-123.45", collen: 0x0502, bytes: "3d624c37" },
    { value: "0.001", collen: 0x10ff, bytes: "bf0a" + "00".repeat(8) },
    { value: "-0.001", collen: 0x10ff, bytes: "405a" + "00".repeat(8) },
    { value: "1e-130", collen: 0x20ff, bytes: "8001" + "00".repeat(16) },
    { value: "-1e-130", collen: 0x20ff, bytes: "7f63" + "00".repeat(16) },
    { value: "9".repeat(32), collen: 0x2000, bytes: "d0" + "63".repeat(16) },
    { value: "1234567890.0123456789", collen: 0x200a, bytes: "c50c22384e5a01172d4359" + "00".repeat(6) },
    { value: "1234567890123456", collen: 0x10ff, bytes: "c80c22384e5a0c223800" },
    { value: "1234.56", collen: 0x0a02, bytes: "c20c22380000" },
    { value: "-1234.56", collen: 0x0a02, bytes: "3d57412c0000" },
    { value: "0.50", collen: 0x0a02, bytes: "c03200000000" },
    { value: "-0.50", collen: 0x0a02, bytes: "3f3200000000" },
    { value: "12345.67", collen: 0x0802, bytes: "c301172d43" },
    { value: "-98.76", collen: 0x0802, bytes: "3e01180000" },
    { value: "-99.99", collen: 0x0c02, bytes: "3e000100000000" },
    { value: "1234.56", collen: 0x0a02, bytes: "c20c22380000", type: 8 }
  ]
  for (const row of rows) {
    it(`${row.value} in collen 0x${row.collen.toString(16)} ↔ ${row.bytes}`, () => {
      const columns = [column(row.type ?? 5, row.collen)]
      const value = BigDecimal.fromStringUnsafe(row.value)
      assert.strictEqual(toHex(ok(encodeRow(columns, [value], latin1Ctx))), row.bytes)
      const [back] = ok(decodeRow(fromHex(row.bytes), columns, latin1Ctx))
      assert.isTrue(BigDecimal.equals(back as BigDecimal.BigDecimal, value))
      const scale = row.collen & 0xff
      if (scale !== 255) assert.strictEqual((back as BigDecimal.BigDecimal).scale, scale)
    })
  }
  it("NULL DECIMAL(10,2) is six zero bytes", () => {
    const columns = [column(5, 0x0a02)]
    assert.strictEqual(toHex(ok(encodeRow(columns, [null], latin1Ctx))), "000000000000")
    assert.deepStrictEqual(decodeRow(fromHex("000000000000"), columns, latin1Ctx), [null])
  })
  it("§5 widths: DECIMAL(8,2) 5, (16) 10, (10,4) 6, (5,0) 4, (32,10) 17, (1,0) 2, (32) 18", () => {
    assert.deepStrictEqual(
      [0x0802, 0x10ff, 0x0a04, 0x0500, 0x200a, 0x0100, 0x20ff].map(packedWidth),
      [5, 10, 6, 4, 17, 2, 18]
    )
  })
})

import { assert, describe, it } from "@effect/vitest"
import * as BigDecimal from "effect/BigDecimal"
import * as Informix from "../../src/InformixValue.ts"
import { withoutValue } from "../../src/internal/connection/redact.ts"

describe("withoutValue (ParameterError messages)", () => {
  it("replaces quoted numbers, bigints and decimals, keeping types and ranges", () => {
    const big = 2n ** 70n
    assert.strictEqual(
      withoutValue(`BIGINT cannot hold ${big} (range -9223372036854775807..9223372036854775807)`, big),
      "BIGINT cannot hold the value (range -9223372036854775807..9223372036854775807)"
    )
    assert.strictEqual(
      withoutValue("INT8 cannot hold -5 (range ±(2^63-1))", Informix.int8(-5)),
      "INT8 cannot hold the value (range ±(2^63-1))"
    )
    assert.strictEqual(withoutValue("DECIMAL(5,2) cannot hold 5", 5), "DECIMAL(5,2) cannot hold the value")
    const d = BigDecimal.fromStringUnsafe("123456.780")
    assert.strictEqual(withoutValue("DECIMAL(5,2) cannot hold 123456.78", d), "DECIMAL(5,2) cannot hold the value")
    assert.strictEqual(
      withoutValue("SMALLINT cannot hold the non-integer 1.5", 1.5),
      "SMALLINT cannot hold the non-integer the value"
    )
  })

  it("replaces a character the code set lacks, and any quotation of a string value", () => {
    assert.strictEqual(
      withoutValue("character \"\u65e5\" (U+65E5) cannot be represented in code set 8859-1", "pw\u65e5"),
      "a character cannot be represented in code set 8859-1"
    )
    assert.strictEqual(withoutValue("cannot parse \"hunter2\"", "hunter2"), "cannot parse \"the value\"")
  })

  it("leaves messages without the value, and non-data numbers, as they are", () => {
    assert.strictEqual(withoutValue("FLOAT cannot bind NaN", Number.NaN), "FLOAT cannot bind NaN")
    assert.strictEqual(
      withoutValue("cannot bind a value of JS type symbol", Symbol("s")),
      "cannot bind a value of JS type symbol"
    )
    assert.strictEqual(
      withoutValue("a CHAR parameter holds at most 65535 bytes (got 70000); bind TEXT", "x".repeat(70_000)),
      "a CHAR parameter holds at most 65535 bytes (got 70000); bind TEXT"
    )
  })
})

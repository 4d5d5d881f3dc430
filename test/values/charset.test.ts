/**
 * Locale → code set → codec (VALUES.md §11): every listed locale round-trips non-ASCII text through rows and binds;
 * unknown locales are refused.
 */
import { assert, describe, it } from "@effect/vitest"
import {
  charsetForCodeSet,
  charsetForLocale,
  CodecFailure,
  decodeBind,
  decodeRow,
  encodeBind,
  encodeRow
} from "../../src/internal/values/index.ts"
import { column, toHex } from "./support.ts"

const cases: ReadonlyArray<{ locale: string; name: string; text: string; hex?: string }> = [
  { locale: "en_US.8859-1", name: "8859-1", text: "héllo ÿ", hex: "68e96c6c6f20ff" },
  { locale: "en_us.819", name: "8859-1", text: "café", hex: "636166e9" },
  { locale: "fr_fr.0333", name: "8859-1", text: "élève" },
  { locale: "en_US.utf8", name: "utf8", text: "日本 é €", hex: "e697a5e69cac20c3a920e282ac" },
  { locale: "en_US.57372", name: "utf8", text: "😀" },
  { locale: "en_US.1252", name: "CP1252", text: "€ “quoted”", hex: "80209371756f74656494" },
  { locale: "en_us.cp1252", name: "CP1252", text: "Ž" },
  { locale: "de_DE.8859-15", name: "8859-15", text: "€uro œ", hex: "a475726f20bd" },
  { locale: "de_DE.57391", name: "8859-15", text: "Ÿ" },
  { locale: "de_DE.923", name: "8859-15", text: "€" },
  { locale: "cs_CZ.8859-2", name: "8859-2", text: "Příliš" },
  { locale: "ru_RU.8859-5", name: "8859-5", text: "Привет" },
  { locale: "ru_RU.CP1251", name: "CP1251", text: "Привет" },
  { locale: "el_GR.8859-7", name: "8859-7", text: "Καλημέρα" },
  { locale: "ja_JP.sjis", name: "sjis", text: "日本語テキスト", hex: "93fa967b8cea8365834c83588367" },
  { locale: "ja_JP.sjis-s", name: "sjis-s", text: "日本語" },
  { locale: "zh_CN.gb", name: "gb", text: "中文" },
  { locale: "zh_CN.GB18030-2000", name: "GB18030-2000", text: "中文 𠀀" },
  { locale: "zh_TW.big5", name: "big5", text: "中文" },
  { locale: "ko_KR.ksc", name: "ksc", text: "한국어" },
  { locale: "en_US.utf8@euro", name: "utf8", text: "x€" }
]

describe("charsetForLocale", () => {
  for (const c of cases) {
    it(`${c.locale} → ${c.name}, round-trips "${c.text}" through CHAR/VARCHAR/LVARCHAR rows and CHAR binds`, () => {
      const charset = charsetForLocale(c.locale)
      assert.isDefined(charset)
      assert.strictEqual(charset!.name, c.name)
      const bytes = charset!.encode(c.text)
      if (c.hex !== undefined) assert.strictEqual(toHex(bytes), c.hex)
      assert.isFalse(bytes.includes(0x3f), "no ? substitution")
      assert.strictEqual(charset!.decode(bytes), c.text)
      const ctx = { charset: charset! }
      const columns = [column(13, 255), column(0, bytes.length + 2), column(40, 2048, 1, "lvarchar")]
      const row = encodeRow(columns, [c.text, c.text + "  ", c.text], ctx)
      assert.notInstanceOf(row, CodecFailure)
      assert.deepStrictEqual(decodeRow(row as Uint8Array, columns, ctx), [c.text, c.text + "  ", c.text])
      const bind = encodeBind(c.text, ctx)
      assert.notInstanceOf(bind, CodecFailure)
      assert.strictEqual(toHex((bind as { data: Uint8Array }).data), toHex(bytes))
      assert.strictEqual(decodeBind(bind as never, ctx), c.text)
    })
  }

  it("is case-insensitive and accepts code-set numbers and hex numbers", () => {
    assert.strictEqual(charsetForLocale("EN_US.UTF8")?.name, "utf8")
    assert.strictEqual(charsetForLocale("en_us.e01c")?.name, "utf8")
    assert.strictEqual(charsetForCodeSet("0333")?.codeSet, 819)
    assert.strictEqual(charsetForCodeSet("57357")?.name, "gb")
    assert.strictEqual(charsetForCodeSet("5488")?.name, "GB18030-2000")
  })

  it("single-byte code sets whose low half is not ASCII decode through their table (CP864 0x25)", () => {
    const cp864 = charsetForCodeSet("864")!
    assert.strictEqual(cp864.decode(Uint8Array.of(0x25)), "\u066a")
    assert.strictEqual(cp864.decode(Uint8Array.of(0x41, 0x25)), "A\u066a")
    assert.strictEqual(cp864.decode(cp864.encode("A\u066a")), "A\u066a")
  })

  it("refuses text the code set cannot represent instead of substituting '?'", () => {
    const latin1 = { charset: charsetForLocale("en_US.8859-1")! }
    const failure = encodeBind("a日b", latin1)
    assert.instanceOf(failure, CodecFailure)
    assert.strictEqual(
      (failure as CodecFailure).message,
      "a character cannot be represented in code set 8859-1 (character 2)"
    )
    assert.instanceOf(encodeRow([column(13, 20)], ["€"], latin1), CodecFailure)
    assert.strictEqual(toHex((encodeBind("a?b", latin1) as { data: Uint8Array }).data), "613f62")
    const sjis = { charset: charsetForLocale("ja_JP.sjis")! }
    assert.instanceOf(encodeBind("Ω€", sjis), CodecFailure)
    assert.strictEqual(toHex((encodeBind("日?", sjis) as { data: Uint8Array }).data), "93fa3f")
  })

  it("returns undefined for unknown locales or a locale without a code set", () => {
    assert.isUndefined(charsetForLocale("xx_YY.foo"))
    assert.isUndefined(charsetForLocale("en_US"))
    assert.isUndefined(charsetForLocale("en_US.99999"))
  })
})

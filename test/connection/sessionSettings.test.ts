import { assert, describe, it } from "@effect/vitest"
import { resetStatement, sessionSettingOf } from "../../src/internal/connection/sessionSettings.ts"

describe("sessionSettingOf", () => {
  it("names the session state a statement changes, from its leading words", () => {
    const cases: ReadonlyArray<readonly [string, ReturnType<typeof sessionSettingOf>]> = [
      ["SET ISOLATION TO DIRTY READ", "isolation"],
      ["  set isolation committed read", "isolation"],
      ["-- a comment\nSET LOCK MODE TO WAIT 5", "lockMode"],
      ["{ informix comment } SET EXPLAIN ON", "explain"],
      ["/* c */ SET ROLE auditor", "role"],
      ["SET ENVIRONMENT OPTCOMPIND '0'", "environment"],
      ["SET PDQPRIORITY 50", "other"],
      ["SET TRANSACTION ISOLATION LEVEL READ COMMITTED", undefined],
      ["SET CONSTRAINTS ALL DEFERRED", undefined],
      ["SET LOG", undefined],
      ["DATABASE other", "database"],
      ["CLOSE DATABASE", "database"],
      ["CREATE DATABASE other WITH LOG", "database"],
      ["CREATE TEMP TABLE x (n INTEGER)", "tempTable"],
      ["create scratch table x (n integer)", "tempTable"],
      ["SELECT n FROM t INTO TEMP x WITH NO LOG", "tempTable"],
      ["SELECT n FROM t\nINTO\tSCRATCH x", "tempTable"],
      ["SELECT 'INTO TEMP x' FROM t", undefined],
      ["SELECT n FROM t -- INTO TEMP x\n", undefined],
      ["SELECT n FROM t", undefined],
      ["CREATE TABLE t (n INTEGER)", undefined],
      ["INSERT INTO t VALUES (1)", undefined],
      ["CLOSE cursor1", undefined],
      ["", undefined]
    ]
    for (const [sql, expected] of cases) assert.strictEqual(sessionSettingOf(sql), expected, sql)
  })

  it("resets what has a known default and nothing else", () => {
    const none = { isolation: undefined, lockWait: undefined }
    assert.strictEqual(resetStatement("isolation", none), undefined)
    assert.strictEqual(
      resetStatement("isolation", { isolation: "repeatableRead", lockWait: undefined }),
      "SET ISOLATION TO REPEATABLE READ"
    )
    assert.strictEqual(resetStatement("lockMode", none), "SET LOCK MODE TO NOT WAIT")
    assert.strictEqual(
      resetStatement("lockMode", { isolation: undefined, lockWait: { seconds: 3 } }),
      "SET LOCK MODE TO WAIT 3"
    )
    assert.strictEqual(resetStatement("explain", none), "SET EXPLAIN OFF")
    for (const setting of ["role", "environment", "database", "tempTable", "other"] as const) {
      assert.strictEqual(resetStatement(setting, none), undefined, setting)
    }
  })
})

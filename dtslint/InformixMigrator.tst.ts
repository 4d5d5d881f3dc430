import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import type * as SqlClient from "effect/sql/SqlClient"
import type { SqlError } from "effect/sql/SqlError"
import { describe, expect, it } from "tstyche"
import * as InformixMigrator from "../src/InformixMigrator.ts"

const loader = InformixMigrator.fromRecord({ "1_init": Effect.void })

describe("InformixMigrator", () => {
  it("run reports the migrations it ran and needs a SqlClient", () => {
    expect(InformixMigrator.run({ loader })).type.toBe<
      Effect.Effect<
        ReadonlyArray<readonly [id: number, name: string]>,
        InformixMigrator.MigrationError | SqlError,
        SqlClient.SqlClient
      >
    >()
  })

  it("layer is a discard layer needing a SqlClient", () => {
    expect(InformixMigrator.layer({ loader, table: "schema_versions" })).type.toBe<
      Layer.Layer<never, InformixMigrator.MigrationError | SqlError, SqlClient.SqlClient>
    >()
  })

  it("a loader's requirements flow into run", () => {
    const custom = null as unknown as InformixMigrator.Loader<"FileSystem">
    expect(InformixMigrator.run({ loader: custom })).type.toBe<
      Effect.Effect<
        ReadonlyArray<readonly [id: number, name: string]>,
        InformixMigrator.MigrationError | SqlError,
        SqlClient.SqlClient | "FileSystem"
      >
    >()
  })
})

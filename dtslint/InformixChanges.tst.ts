import * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import { describe, expect, it } from "tstyche"
import type * as Connection from "../src/Connection.ts"
import * as InformixChanges from "../src/InformixChanges.ts"
import type { InformixError } from "../src/InformixError.ts"

describe("InformixChanges", () => {
  it("cdc streams events of plain rows, failing with InformixError or ChangeStreamError", () => {
    expect(InformixChanges.cdc({ connection: "informix://h/d", tables: [{ table: "d:t" }] })).type.toBe<
      Stream.Stream<InformixChanges.ChangeEvent<Connection.Row>, InformixError | InformixChanges.ChangeStreamError>
    >()
  })

  it("a Schema types the rows", () => {
    const Order = Schema.Struct({ id: Schema.Number })
    const stream = InformixChanges.cdc({ connection: "informix://h/d", tables: [{ table: "d:t", schema: Order }] })
    expect(stream).type.toBe<
      Stream.Stream<
        InformixChanges.ChangeEvent<{ readonly id: number }>,
        InformixError | InformixChanges.ChangeStreamError
      >
    >()
  })

  it("positions are bigints", () => {
    const event = null as unknown as InformixChanges.ChangeEvent
    expect(event.position).type.toBe<bigint>()
  })

  it("smartTrigger streams trigger events, typed by the watches' Schema", () => {
    const Order = Schema.Struct({ id: Schema.Number })
    expect(
      InformixChanges.smartTrigger({
        connection: "informix://h/sysadmin",
        watches: [{ table: "t", database: "d", query: "SELECT id FROM t", schema: Order }]
      })
    ).type.toBe<
      Stream.Stream<
        InformixChanges.TriggerEvent<{ readonly id: number }>,
        InformixError | InformixChanges.ChangeStreamError
      >
    >()
    expect(InformixChanges.smartTrigger({ connection: "informix://h/d", watches: [] })).type.toBe<
      Stream.Stream<InformixChanges.TriggerEvent<Connection.Row>, InformixError | InformixChanges.ChangeStreamError>
    >()
  })

  it("an Update's before image may be missing", () => {
    const event = null as unknown as InformixChanges.TriggerUpdate<{ readonly id: number }>
    expect(event.before).type.toBe<{ readonly id: number } | undefined>()
  })
})

import type * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import type * as Stream from "effect/Stream"
import { describe, expect, it } from "tstyche"
import * as Connection from "../src/Connection.ts"
import type { BatchError, InformixError } from "../src/InformixError.ts"
import * as InformixValue from "../src/InformixValue.ts"

declare const connection: Connection.Connection
declare const statement: Connection.PreparedStatement
declare const cursor: Connection.ScrollCursor
declare const error: BatchError

const pamHandler = (challenge: Connection.PamChallenge) =>
  challenge.echo ? Effect.succeed("123456") : Effect.fail(new Error("no secret here"))
const notAnEffect = (challenge: Connection.PamChallenge) => challenge.prompt

describe("Connection constructors and layers", () => {
  it("make is scoped and fails with InformixError; it takes options or a URL", () => {
    expect(Connection.make({ host: "db", user: "u" })).type.toBe<
      Effect.Effect<Connection.Connection, InformixError, Scope.Scope>
    >()
    expect(Connection.make("informix://u:p@db:9088/stores?server=ol")).type.toBe<
      Effect.Effect<Connection.Connection, InformixError, Scope.Scope>
    >()
  })

  it("the pam option answers each challenge with an Effect of a string (which may fail)", () => {
    expect(Connection.make({ user: "u", pam: pamHandler })).type.toBe<
      Effect.Effect<Connection.Connection, InformixError, Scope.Scope>
    >()
    expect<Connection.PamChallenge["style"]>().type.toBe<Connection.PamStyle>()
    expect(Connection.make).type.not.toBeCallableWith({ user: "u", pam: notAnEffect })
    expect(Connection.make).type.not.toBeCallableWith({ user: "u", pam: "secret" })
  })

  it("layer and layerConfig", () => {
    expect(Connection.layer({ user: "u" })).type.toBe<Layer.Layer<Connection.Connection, InformixError>>()
    expect(Connection.layerConfig()).type.toBe<
      Layer.Layer<Connection.Connection, InformixError | Config.ConfigError>
    >()
  })
})

describe("Connection statements", () => {
  it("query, values and execute", () => {
    expect(connection.query("SELECT 1 FROM systables", [1])).type.toBe<
      Effect.Effect<ReadonlyArray<Connection.Row>, InformixError>
    >()
    expect(connection.values("SELECT 1 FROM systables")).type.toBe<
      Effect.Effect<ReadonlyArray<ReadonlyArray<InformixValue.Value>>, InformixError>
    >()
    expect(connection.execute("DELETE FROM t")).type.toBe<Effect.Effect<Connection.ExecuteResult, InformixError>>()
  })

  it("streams rows", () => {
    expect(connection.stream("SELECT * FROM t", [], { fetchSize: 8192 })).type.toBe<
      Stream.Stream<Connection.Row, InformixError>
    >()
  })

  it("transaction keeps the body's types and adds InformixError", () => {
    const body = null as unknown as Effect.Effect<number, "E", "R">
    expect(connection.transaction(body, { isolation: "repeatableRead" })).type.toBe<
      Effect.Effect<number, "E" | InformixError, "R">
    >()
  })

  it("prepare is scoped", () => {
    expect(connection.prepare("SELECT * FROM t WHERE id = ?")).type.toBe<
      Effect.Effect<Connection.PreparedStatement, InformixError, Scope.Scope>
    >()
  })

  it("executeMany takes rows of parameters and gives one result per row", () => {
    expect(connection.executeMany("INSERT INTO t VALUES (?, ?)", [[1, "a"], [2, "b"]], { onError: "continue" })).type
      .toBe<Effect.Effect<ReadonlyArray<Connection.ExecuteResult>, InformixError>>()
    expect(connection.executeMany).type.not.toBeCallableWith("INSERT INTO t VALUES (?)", [1, 2])
    expect(connection.executeMany).type.not.toBeCallableWith("INSERT INTO t VALUES (?)", [[1]], { onError: "skip" })
    expect(statement.executeMany([[1]])).type.toBe<
      Effect.Effect<ReadonlyArray<Connection.ExecuteResult>, InformixError>
    >()
  })

  it("BatchError names the failing row and carries the per-row results", () => {
    expect(error.index).type.toBe<number>()
    expect(error.cause.sqlcode).type.toBe<number>()
    expect(error.failures[0]!.index).type.toBe<number>()
    expect<Connection.ExecuteResult | null>().type.toBeAssignableTo<(typeof error.results)[number]>()
  })

  it("scroll is scoped; every move gives an optional row", () => {
    expect(connection.scroll("SELECT * FROM t WHERE id > ?", [1])).type.toBe<
      Effect.Effect<Connection.ScrollCursor, InformixError, Scope.Scope>
    >()
    expect(cursor.next).type.toBe<Effect.Effect<Option.Option<Connection.Row>, InformixError>>()
    expect(cursor.absolute(-1)).type.toBe<Effect.Effect<Option.Option<Connection.Row>, InformixError>>()
    expect(cursor.relative).type.not.toBeCallableWith("1")
    expect(cursor.stream({ from: 3 })).type.toBe<Stream.Stream<Connection.Row, InformixError>>()
    expect(cursor.position).type.toBe<Effect.Effect<number | undefined>>()
  })

  it("state is a closed union", () => {
    expect(connection.state).type.toBe<"idle" | "busy" | "draining" | "dead">()
  })
})

declare const locator: InformixValue.SmartLobLocator
declare const source: Stream.Stream<Uint8Array, "source failed">

describe("Connection smart large objects", () => {
  it("createSmartLob from bytes, text or a stream (the stream's error joins InformixError)", () => {
    expect(connection.createSmartLob("BLOB", new Uint8Array(3))).type.toBe<
      Effect.Effect<InformixValue.SmartLobLocator, InformixError>
    >()
    expect(connection.createSmartLob("CLOB", "text")).type.toBe<
      Effect.Effect<InformixValue.SmartLobLocator, InformixError>
    >()
    expect(connection.createSmartLob("BLOB", source)).type.toBe<
      Effect.Effect<InformixValue.SmartLobLocator, InformixError | "source failed">
    >()
    expect(connection.createSmartLob).type.not.toBeCallableWith("BYTE", new Uint8Array(1))
  })

  it("readSmartLob streams bytes, readClobText gives text", () => {
    expect(connection.readSmartLob(locator)).type.toBe<Stream.Stream<Uint8Array, InformixError>>()
    expect(connection.readClobText(locator)).type.toBe<Effect.Effect<string, InformixError>>()
    expect(connection.readSmartLob).type.not.toBeCallableWith("hex")
  })
})

declare const texts: Stream.Stream<string, "source failed">
declare const numbers: Stream.Stream<number>

describe("BYTE / TEXT streams", () => {
  it("streamBlob gives bytes; byteStream / textStream bind a Stream of bytes / strings, whatever its error", () => {
    expect(connection.streamBlob("SELECT b FROM t")).type.toBe<Stream.Stream<Uint8Array, InformixError>>()
    expect(InformixValue.byteStream(source)).type.toBe<InformixValue.BlobStreamParameter>()
    expect(InformixValue.textStream(texts)).type.toBe<InformixValue.BlobStreamParameter>()
    expect(InformixValue.byteStream).type.not.toBeCallableWith(texts)
    expect(InformixValue.textStream).type.not.toBeCallableWith(numbers)
    expect(connection.execute("INSERT INTO t VALUES (?)", [InformixValue.byteStream(source)])).type.toBe<
      Effect.Effect<Connection.ExecuteResult, InformixError>
    >()
  })
})

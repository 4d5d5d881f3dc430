import { describe, expect, it } from "tstyche"
import type * as Root from "../src/index.ts"
import type * as Protocol from "../src/Protocol.ts"
import type * as TestServer from "../src/TestServer.ts"

describe("package root", () => {
  it("exports the driver modules", () => {
    expect<typeof Root>().type.toHaveProperty("InformixClient")
    expect<typeof Root>().type.toHaveProperty("Connection")
    expect<typeof Root>().type.toHaveProperty("Protocol")
  })

  it("does not export the embedded server (its own entry point: effect-informix/TestServer)", () => {
    expect<typeof Root>().type.not.toHaveProperty("TestServer")
    expect<typeof TestServer>().type.toHaveProperty("make")
    expect<typeof TestServer>().type.toHaveProperty("cluster")
  })

  it("Protocol exports the client's half of the codec, not the server's", () => {
    expect<typeof Protocol>().type.toHaveProperty("encodeClientBatch")
    expect<typeof Protocol>().type.toHaveProperty("ServerMessageDecoder")
    expect<typeof Protocol>().type.not.toHaveProperty("encodeServerMessages")
    expect<typeof Protocol>().type.not.toHaveProperty("ClientMessageDecoder")
    expect<typeof Protocol>().type.not.toHaveProperty("makeConnectResponse")
    expect<typeof Protocol>().type.not.toHaveProperty("makeRedirectResponse")
  })
})

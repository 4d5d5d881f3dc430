import { assert, describe, it } from "@effect/vitest"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as InformixError from "../src/InformixError.ts"
import {
  type ConnectionConfig,
  fromEnv,
  isolationStatement,
  lockWaitStatement,
  redactUrl,
  resolveConfig
} from "../src/internal/config/resolve.ts"

const SECRET = "s3cr3t-P@ss:w/rd"

const failureOf = (input: ConnectionConfig | string) =>
  Effect.flip(resolveConfig(input)).pipe(
    Effect.map((error) => {
      assert.isTrue(error instanceof InformixError.ConfigError)
      assert.isTrue(InformixError.isInformixError(error))
      return error
    })
  )

const assertNoSecret = (error: InformixError.ConfigError, secret = SECRET) => {
  for (const text of [error.message, String(error), JSON.stringify(error)]) {
    assert.notInclude(text, secret)
    assert.notInclude(text, encodeURIComponent(secret))
  }
}

const read = (env: Record<string, string>) =>
  Effect.flatMap(fromEnv, (config) => resolveConfig(config)).pipe(
    Effect.provideService(ConfigProvider.ConfigProvider, ConfigProvider.fromEnv({ env }))
  )

describe("resolveConfig", () => {
  it.effect("applies every default", () =>
    Effect.gen(function*() {
      const config = yield* resolveConfig({ user: "informix" })
      assert.strictEqual(config.host, "localhost")
      assert.strictEqual(config.port, 9088)
      assert.strictEqual(config.server, "informix")
      assert.strictEqual(config.database, undefined)
      assert.strictEqual(config.password, undefined)
      assert.strictEqual(config.clientLocale, "en_US.8859-1")
      assert.strictEqual(config.dbLocale, "en_US.8859-1")
      assert.strictEqual(config.tls, undefined)
      assert.isTrue(Duration.equals(config.connectTimeout, Duration.seconds(10)))
      assert.isTrue(Duration.equals(config.drainTimeout, Duration.seconds(5)))
      assert.strictEqual(config.queryTimeout, undefined)
      assert.strictEqual(config.lockWait, undefined)
      assert.strictEqual(config.isolation, undefined)
      assert.strictEqual(config.fetchBufferSize, 4096)
      assert.strictEqual(config.maxMessageSize, 256 * 1024 * 1024)
      assert.strictEqual(config.appName, "effect-informix")
      assert.strictEqual(config.trimChar, false)
      assert.strictEqual(config.optofc, true)
    }))

  it.effect("keeps explicit object fields and turns tls: true into verified TLS", () =>
    Effect.gen(function*() {
      const config = yield* resolveConfig({
        host: "db.example",
        port: 9089,
        server: "ol_informix",
        database: "stores",
        user: "app",
        password: Redacted.make(SECRET),
        tls: true,
        connectTimeout: "3 seconds",
        queryTimeout: 1500,
        lockWait: { seconds: 10 },
        isolation: "committedRead",
        fetchBufferSize: 32767,
        trimChar: true
      })
      assert.deepStrictEqual(config.tls, {})
      assert.strictEqual(Redacted.value(config.password!), SECRET)
      assert.isTrue(Duration.equals(config.connectTimeout, Duration.seconds(3)))
      assert.isTrue(Duration.equals(config.queryTimeout!, Duration.millis(1500)))
      assert.deepStrictEqual(config.lockWait, { seconds: 10 })
      assert.strictEqual(config.isolation, "committedRead")
      assert.strictEqual(config.trimChar, true)
    }))

  it.effect("runs a password effect (e.g. a Config) and keeps the value redacted", () =>
    Effect.gen(function*() {
      const config = yield* resolveConfig({ user: "u", password: Effect.succeed(Redacted.make(SECRET)) })
      assert.strictEqual(Redacted.value(config.password!), SECRET)
      assert.notInclude(String(config.password), SECRET)
      const error = yield* failureOf({ user: "u", password: Effect.fail({ _tag: "Boom", leaked: SECRET }) })
      assert.strictEqual(error.field, "password")
      assertNoSecret(error)
    }))

  it.effect("rejects invalid object fields with a ConfigError naming the field", () =>
    Effect.gen(function*() {
      const cases: ReadonlyArray<readonly [ConnectionConfig, string]> = [
        [{}, "user"],
        [{ user: "" }, "user"],
        [{ user: "u", host: " " }, "host"],
        [{ user: "u", port: 0 }, "port"],
        [{ user: "u", port: 65536 }, "port"],
        [{ user: "u", port: 9088.5 }, "port"],
        [{ user: "u", server: "" }, "server"],
        [{ user: "u", database: "" }, "database"],
        [{ user: "u", clientLocale: "utf8" }, "clientLocale"],
        [{ user: "u", dbLocale: "en_US" }, "dbLocale"],
        [{ user: "u", connectTimeout: -5 }, "connectTimeout"],
        [{ user: "u", drainTimeout: "soon" as Duration.Input }, "drainTimeout"],
        [{ user: "u", lockWait: { seconds: -1 } }, "lockWait"],
        [{ user: "u", isolation: "serializable" as "dirtyRead" }, "isolation"],
        [{ user: "u", fetchBufferSize: 0 }, "fetchBufferSize"],
        [{ user: "u", maxMessageSize: -1 }, "maxMessageSize"],
        // Untyped callers (JSON, environment glue): anything but a boolean or an options object.
        [{ user: "u", tls: "yes" as unknown as boolean }, "tls"],
        [{ user: "u", tls: 1 as unknown as boolean }, "tls"],
        [{ user: "u", tls: null as unknown as boolean }, "tls"],
        [{ user: "u", tls: [] as unknown as boolean }, "tls"]
      ]
      for (const [input, field] of cases) {
        const error = yield* failureOf({ ...input, password: Redacted.make(SECRET) })
        assert.strictEqual(error.field, field, JSON.stringify(input))
        assert.include(error.message, field)
        assertNoSecret(error)
      }
    }))

  it.effect("accepts the code sets the value codecs support, in any spelling, and rejects the rest", () =>
    Effect.gen(function*() {
      for (
        const locale of ["en_US.utf8", "en_us.819", "de_DE.8859-15", "ja_JP.sjis", "en_US.0333", "de_DE.utf8@euro"]
      ) {
        const ok = yield* resolveConfig({ user: "u", clientLocale: locale, dbLocale: locale })
        assert.strictEqual(ok.clientLocale, locale)
      }
      const error = yield* Effect.flip(resolveConfig({ user: "u", dbLocale: "tl_HG.klingon" }))
      assert.strictEqual(error.field, "dbLocale")
      assert.include(error.message, "not supported")
    }))
})

describe("URL form", () => {
  it.effect("parses every part, percent-decoding user, password, host and database", () =>
    Effect.gen(function*() {
      const url = `informix://us%40er:${encodeURIComponent(SECRET)}@db%2Dhost:9090/my%20db?server=ol_informix`
        + "&clientLocale=en_US.utf8&DB_LOCALE=en_US.819&tls=true&connectTimeout=5s&queryTimeout=250ms"
        + "&drainTimeout=2%20minutes&lockWait=wait&isolation=dirty%20read&fetchBufferSize=8192"
        + "&maxMessageSize=1048576&appName=my+app&trimChar=yes&OPTOFC=0"
      const config = yield* resolveConfig(url)
      assert.strictEqual(config.user, "us@er")
      assert.strictEqual(Redacted.value(config.password!), SECRET)
      assert.strictEqual(config.host, "db-host")
      assert.strictEqual(config.port, 9090)
      assert.strictEqual(config.database, "my db")
      assert.strictEqual(config.server, "ol_informix")
      assert.strictEqual(config.clientLocale, "en_US.utf8")
      assert.strictEqual(config.dbLocale, "en_US.819")
      assert.deepStrictEqual(config.tls, {})
      assert.isTrue(Duration.equals(config.connectTimeout, Duration.seconds(5)))
      assert.isTrue(Duration.equals(config.queryTimeout!, Duration.millis(250)))
      assert.isTrue(Duration.equals(config.drainTimeout, Duration.minutes(2)))
      assert.strictEqual(config.lockWait, "wait")
      assert.strictEqual(config.isolation, "dirtyRead")
      assert.strictEqual(config.fetchBufferSize, 8192)
      assert.strictEqual(config.maxMessageSize, 1048576)
      assert.strictEqual(config.appName, "my app")
      assert.strictEqual(config.trimChar, true)
      assert.strictEqual(config.optofc, false)
    }))

  it.effect("accepts IPv6 hosts, informix-sqli:, INFORMIXSERVER and insecure TLS; defaults the rest", () =>
    Effect.gen(function*() {
      const config = yield* resolveConfig("informix-sqli://u@[::1]/?INFORMIXSERVER=ids&tls=insecure&lockWait=30")
      assert.strictEqual(config.host, "::1")
      assert.strictEqual(config.port, 9088)
      assert.strictEqual(config.database, undefined)
      assert.strictEqual(config.password, undefined)
      assert.strictEqual(config.server, "ids")
      assert.deepStrictEqual(config.tls, { rejectUnauthorized: false })
      assert.deepStrictEqual(config.lockWait, { seconds: 30 })
    }))

  it.effect("explicit fields override the URL", () =>
    Effect.gen(function*() {
      const config = yield* resolveConfig({
        url: "informix://a:b@h1:1000/db1?server=s1",
        host: "h2",
        database: "db2",
        password: Redacted.make("other")
      })
      assert.strictEqual(config.host, "h2")
      assert.strictEqual(config.port, 1000)
      assert.strictEqual(config.user, "a")
      assert.strictEqual(config.database, "db2")
      assert.strictEqual(Redacted.value(config.password!), "other")
      assert.strictEqual(config.server, "s1")
    }))

  it.effect("every malformed URL is a ConfigError that never echoes the password", () =>
    Effect.gen(function*() {
      const p = encodeURIComponent(SECRET)
      const cases: ReadonlyArray<readonly [string, string, RegExp]> = [
        [`informix://u:${SECRET} x@host:99999/db`, "url", /is not a URL/],
        [`informix://u:${p}@host:99999/db`, "port", /99999 is out of range/],
        ["informix://u@h:70000/db", "port", /70000 is out of range/],
        [`informix://u:${p}@[::1]:70000/db?server=ol`, "port", /out of range/],
        [`informix://u:${p}@ho st:99999/db`, "url", /is not a URL/],
        [`informix://u:${p}@host:0/db`, "port", /between 1 and 65535/],
        [`postgres://u:${p}@host/db`, "url", /scheme "postgres:"/],
        [`not a url ${SECRET}`, "url", /is not a URL/],
        [`informix://u:%E0%A4%A${p}@host/db`, "password", /percent-encoding/],
        [`informix://%E0%A4%A:${p}@host/db`, "user", /percent-encoding/],
        [`informix://u:${p}@host/a/b`, "database", /single database/],
        [`informix://u:${p}@host/db?password=${p}`, "url", /unknown parameter "password"/],
        [`informix://u:${p}@host/db?serverr=x`, "url", /unknown parameter "serverr"/],
        [`informix://u:${p}@host/db?server=a&server=b`, "server", /more than once/],
        [`informix://u:${p}@host/db?server=`, "server", /empty/],
        [`informix://u:${p}@host/db?tls=maybe`, "tls", /true, false, insecure/],
        [`informix://u:${p}@host/db?connectTimeout=soon`, "connectTimeout", /not a duration/],
        [`informix://u:${p}@host/db?lockWait=sometimes`, "lockWait", /not an integer/],
        [`informix://u:${p}@host/db?isolation=serializable`, "isolation", /not an isolation level/],
        [`informix://u:${p}@host/db?fetchBufferSize=0`, "fetchBufferSize", /between/],
        [`informix://u:${p}@host/db?clientLocale=english`, "clientLocale", /locale/],
        [`informix://u:${p}@host/db?trimChar=2`, "trimChar", /boolean/],
        [`informix://:${p}@host/db`, "user", /required/]
      ]
      for (const [url, field, pattern] of cases) {
        const error = yield* failureOf(url)
        assert.strictEqual(error.field, field, url)
        assert.match(error.message, pattern, url)
        assertNoSecret(error)
      }
    }))

  it("redactUrl hides the password however mangled the text is", () => {
    assert.strictEqual(redactUrl("informix://u:pw@h:1/db"), "informix://u:***@h:1/db")
    assert.strictEqual(redactUrl("informix://u:p@ss@h/db"), "informix://u:***@h/db")
    assert.strictEqual(redactUrl("informix://u@h/db?password=x&server=s"), "informix://u@h/db?password=***&server=s")
    assert.strictEqual(redactUrl("u:pw@h"), "u:***@h")
    assert.strictEqual(redactUrl("informix://h/db"), "informix://h/db")
  })
})

describe("environment Config", () => {
  it.effect("reads the INFORMIX_* variables", () =>
    Effect.gen(function*() {
      const config = yield* read({
        INFORMIX_HOST: "envhost",
        INFORMIX_PORT: "9100",
        INFORMIXSERVER: "ol_env",
        INFORMIX_DATABASE: "envdb",
        INFORMIX_USER: "envuser",
        INFORMIX_PASSWORD: SECRET,
        CLIENT_LOCALE: "en_US.utf8"
      })
      assert.strictEqual(config.host, "envhost")
      assert.strictEqual(config.port, 9100)
      assert.strictEqual(config.server, "ol_env")
      assert.strictEqual(config.database, "envdb")
      assert.strictEqual(config.user, "envuser")
      assert.strictEqual(Redacted.value(config.password!), SECRET)
      assert.strictEqual(config.clientLocale, "en_US.utf8")
      assert.strictEqual(config.dbLocale, "en_US.8859-1")
    }))

  it.effect("reads INFORMIX_URL, with individual variables overriding it", () =>
    Effect.gen(function*() {
      const config = yield* read({
        INFORMIX_URL: "informix://urluser:pw@urlhost:9200/urldb?server=ol_url",
        INFORMIX_DATABASE: "override"
      })
      assert.strictEqual(config.host, "urlhost")
      assert.strictEqual(config.port, 9200)
      assert.strictEqual(config.user, "urluser")
      assert.strictEqual(config.database, "override")
      assert.strictEqual(config.server, "ol_url")
    }))

  it.effect("holds INFORMIX_URL as Redacted (it carries the password); a Redacted url resolves like a string", () =>
    Effect.gen(function*() {
      const url = `informix://urluser:${encodeURIComponent(SECRET)}@urlhost:9200/urldb?server=ol_url`
      const raw = yield* Effect.provideService(
        fromEnv,
        ConfigProvider.ConfigProvider,
        ConfigProvider.fromEnv({ env: { INFORMIX_URL: url } })
      )
      assert.isTrue(Redacted.isRedacted(raw.url))
      for (const text of [String(raw.url), JSON.stringify(raw)]) {
        assert.notInclude(text, encodeURIComponent(SECRET))
      }
      const config = yield* resolveConfig({ url: Redacted.make(url) })
      assert.strictEqual(config.host, "urlhost")
      assert.strictEqual(Redacted.value(config.password!), SECRET)
      const error = yield* failureOf({ url: 42 as unknown as string })
      assert.strictEqual(error.field, "url")
    }))

  it.effect("reads from fromUnknown too, and reports a bad port through Config", () =>
    Effect.gen(function*() {
      const config = yield* Effect.provideService(
        fromEnv,
        ConfigProvider.ConfigProvider,
        ConfigProvider.fromUnknown({ INFORMIX_USER: "x", INFORMIX_PORT: "9300" })
      )
      assert.strictEqual(config.user, "x")
      assert.strictEqual(config.port, 9300)
      const error = yield* Effect.flip(read({ INFORMIX_USER: "x", INFORMIX_PORT: "70000" }))
      assert.isTrue(error instanceof Config.ConfigError)
    }))
})

describe("session statements", () => {
  it("renders SET ISOLATION and SET LOCK MODE", () => {
    assert.strictEqual(isolationStatement("lastCommitted"), "SET ISOLATION TO COMMITTED READ LAST COMMITTED")
    assert.strictEqual(isolationStatement("repeatableRead"), "SET ISOLATION TO REPEATABLE READ")
    assert.strictEqual(lockWaitStatement("notWait"), "SET LOCK MODE TO NOT WAIT")
    assert.strictEqual(lockWaitStatement("wait"), "SET LOCK MODE TO WAIT")
    assert.strictEqual(lockWaitStatement({ seconds: 7 }), "SET LOCK MODE TO WAIT 7")
  })
})

describe("server groups (issue #20)", () => {
  it.effect("servers: members take the configuration's host, port and server for what they leave out", () =>
    Effect.gen(function*() {
      const config = yield* resolveConfig({
        user: "u",
        host: "db1",
        server: "ol_a",
        servers: [{}, { host: "db2", port: 9090 }, { host: "db3", server: "ol_c" }],
        randomStart: true,
        maxRedirects: 0,
        targetServerType: "primary"
      })
      assert.deepStrictEqual(config.servers, [
        { host: "db1", port: 9088, server: "ol_a" },
        { host: "db2", port: 9090, server: "ol_a" },
        { host: "db3", port: 9088, server: "ol_c" }
      ])
      assert.deepStrictEqual([config.host, config.port, config.server], ["db1", 9088, "ol_a"])
      assert.deepStrictEqual([config.randomStart, config.maxRedirects, config.targetServerType], [true, 0, "primary"])
      const single = yield* resolveConfig({ user: "u", host: "db9", port: 9100 })
      assert.deepStrictEqual(single.servers, [{ host: "db9", port: 9100, server: "informix" }])
      assert.deepStrictEqual([single.randomStart, single.maxRedirects, single.targetServerType], [false, 2, "any"])
    }))

  it.effect("the URL takes several hosts and one server name for all or one per host", () =>
    Effect.gen(function*() {
      const url = `informix://u:${encodeURIComponent(SECRET)}@db1:9088,[::1]:9089,db3/stores?server=ol_a,ol_b,ol_c` +
        "&randomStart=true&maxRedirects=3&targetServerType=secondary"
      const config = yield* resolveConfig(url)
      assert.deepStrictEqual(config.servers, [
        { host: "db1", port: 9088, server: "ol_a" },
        { host: "::1", port: 9089, server: "ol_b" },
        { host: "db3", port: 9088, server: "ol_c" }
      ])
      assert.strictEqual(config.database, "stores")
      assert.strictEqual(Redacted.value(config.password!), SECRET)
      assert.deepStrictEqual([config.randomStart, config.maxRedirects, config.targetServerType], [true, 3, "secondary"])
      const shared = yield* resolveConfig("informix://u@db1:1,db2:2?server=cm_oltp")
      assert.deepStrictEqual(shared.servers.map((s) => s.server), ["cm_oltp", "cm_oltp"])
      // Explicit options win over the URL's group.
      const explicit = yield* resolveConfig({ url: "informix://u@db1:1,db2:2", servers: [{ host: "x", port: 3 }] })
      assert.deepStrictEqual(explicit.servers, [{ host: "x", port: 3, server: "informix" }])
    }))

  it.effect("malformed groups are ConfigErrors naming the field, never echoing the password", () =>
    Effect.gen(function*() {
      const pw = encodeURIComponent(SECRET)
      const cases: ReadonlyArray<readonly [ConnectionConfig | string, string]> = [
        [{ servers: [] }, "servers"],
        [{ servers: "db1,db2" as unknown as ReadonlyArray<object> }, "servers"],
        [{ servers: [{ host: "db1" }, null as unknown as object] }, "servers[1]"],
        [{ servers: [{ host: "db1" }, { host: " " }] }, "servers[1].host"],
        [{ servers: [{ port: 70000 }] }, "servers[0].port"],
        [{ servers: [{ server: "" }] }, "servers[0].server"],
        [{ maxRedirects: 17 }, "maxRedirects"],
        [{ maxRedirects: -1 }, "maxRedirects"],
        [{ targetServerType: "master" as "any" }, "targetServerType"],
        [{ randomStart: "yes" as unknown as boolean }, "randomStart"],
        [`informix://u:${pw}@db1:1,,db3:3/x`, "servers"],
        [`informix://u:${pw}@db1:1,db2:99999/x`, "port"],
        [`informix://u:${pw}@db1:1,db2:0/x`, "port"],
        [`informix://u:${pw}@db1:1,db2/x/y?server=a`, "database"],
        [`informix://u:${pw}@db1,db2,db3?server=a,b`, "server"],
        [`informix://u:${pw}@db1,db2?server=a,`, "server"],
        [`informix://u:${pw}@db1?server=a,b`, "server"],
        [`informix://u:${pw}@db1?maxRedirects=many`, "maxRedirects"],
        [`informix://u:${pw}@db1?targetServerType=primary2`, "targetServerType"]
      ]
      for (const [input, field] of cases) {
        const error = yield* failureOf(
          typeof input === "string" ? input : { user: "u", ...input, password: Redacted.make(SECRET) }
        )
        assert.strictEqual(error.field, field, JSON.stringify(input))
        assertNoSecret(error)
      }
    }))
})

describe("sqlhosts (read as IBM JDBC's FileSqlhosts reads it)", () => {
  const sqlhosts = [
    "# dbservername nettype hostname servicename options",
    "",
    "g_prod    group     -          -      c=1,e=ol_b",
    "ol_a      onsoctcp  *db1       9088   g=g_prod",
    "ol_b      onsoctcp  db2        9089   g=g_prod,k=1 # the last member (e=)",
    "ol_c      onsoctcp  db3        9090   g=g_prod",
    "g_two     GROUP     -          -",
    "cm1       onsoctcp  cm1.local  9000   G=G_TWO",
    "cm2       onsoctcp  cm2.local  9000   g=g_two",
    "ol_solo   onsoctcp  db9        9100",
    "g_empty   group     -          -",
    "ol_svc    onsoctcp  db9        sqlexec"
  ].join("\n")

  it.effect("a group entry gives its members in file order; c=1 starts at a random one", () =>
    Effect.gen(function*() {
      const prod = yield* resolveConfig({ user: "u", sqlhosts, server: "g_prod" })
      assert.deepStrictEqual(prod.servers, [
        { host: "db1", port: 9088, server: "ol_a" },
        { host: "db2", port: 9089, server: "ol_b" }
      ])
      assert.isTrue(prod.randomStart)
      // Membership ignores case; without e= the group ends at the first entry not in it; an explicit option wins.
      const two = yield* resolveConfig({ user: "u", sqlhosts, server: "g_two", randomStart: false })
      assert.deepStrictEqual(two.servers.map((s) => s.server), ["cm1", "cm2"])
      assert.isFalse(two.randomStart)
      const solo = yield* resolveConfig({ user: "u", sqlhosts, server: "ol_solo" })
      assert.deepStrictEqual(solo.servers, [{ host: "db9", port: 9100, server: "ol_solo" }])
      assert.isFalse(solo.randomStart)
    }))

  it.effect("unknown names, empty groups, service names and sqlhosts with servers are ConfigErrors", () =>
    Effect.gen(function*() {
      const cases: ReadonlyArray<readonly [ConnectionConfig, RegExp]> = [
        [{ sqlhosts, server: "g_nope" }, /no entry named g_nope/],
        [{ sqlhosts, server: "g_empty" }, /has no members/],
        [{ sqlhosts, server: "ol_svc" }, /"sqlexec"\) is not a port number/],
        [{ sqlhosts, server: "g_prod", servers: [{ host: "x" }] }, /either servers or sqlhosts/],
        [{ sqlhosts: 42 as unknown as string }, /text of an sqlhosts file/]
      ]
      for (const [input, message] of cases) {
        const error = yield* failureOf({ user: "u", ...input })
        assert.strictEqual(error.field, "sqlhosts")
        assert.match(error.message, message)
      }
    }))
})

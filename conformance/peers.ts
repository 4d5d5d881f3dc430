/**
 * The conformance peers as a library for conformance/run.ts and test/conformance/peers.test.ts: the scenario list,
 * how to install and start each peer, the runs (peer × server framing), and a runner that collects one result per
 * scenario from a peer's JSON lines.
 */
import { spawn, spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

export const here = path.dirname(fileURLToPath(import.meta.url))
export const outDir = path.join(here, "out")

export interface ScenarioResult {
  readonly client: string
  readonly scenario: string
  readonly ok: boolean
  readonly detail: string
  readonly ms?: number
  readonly skipped?: boolean
}

/** Where the peers connect; `stallSql` is a statement the server keeps running until interrupted ("" if none). */
export interface Target {
  readonly host: string
  readonly port: number
  readonly tlsPort: number | undefined
  readonly caFile: string | undefined
  readonly user: string
  readonly password: string
  readonly database: string
  readonly server: string
  readonly stallSql: string
}

/** The scenario list both peers implement, in their order; used to spot scenarios a peer never reported. */
export const scenarios = [
  "connect",
  "create_table_all_types",
  "describe_all_types",
  "insert_bound_all_types",
  "select_compare_all_types",
  "nulls_all_types",
  "byte_text",
  "value_edges",
  "client_locale_utf8",
  "cursor_10000_rows",
  "syntax_error_201",
  "duplicate_key",
  "error_codes",
  "transaction_rollback",
  "committed_read_no_block",
  "prepared_reuse_100",
  "generated_keys",
  "generated_serial8",
  "scroll_cursor",
  "savepoint",
  "batch_with_error",
  "stored_procedure",
  "collections_row",
  "collections_temporal",
  "wrong_password_951",
  "unknown_database_329",
  "is_valid",
  "query_timeout",
  "statement_cancel",
  "connect_tls",
  "instance_databases",
  "sysmaster_read",
  "cross_database",
  "database_metadata",
  "disconnect"
] as const

export interface Peer {
  readonly client: string
  readonly command: string
  readonly args: ReadonlyArray<string>
}

export const peers: ReadonlyArray<Peer> = [
  {
    client: "jdbc",
    command: "java",
    args: [
      "-cp",
      [path.join(here, "jdbc/target/classes"), path.join(here, "jdbc/target/lib/*")].join(path.delimiter),
      "effectinformix.conformance.Conformance"
    ]
  },
  {
    client: "python",
    command: path.join(here, ".venv/bin/python"),
    args: [path.join(here, "python/conformance.py")]
  }
]

export const runSetup = (): void => {
  const setup = spawnSync("bash", [path.join(here, "setup.sh")], { stdio: "inherit", env: process.env })
  if (setup.status !== 0) throw new Error(`conformance/setup.sh failed (exit ${setup.status})`)
}

/** A CA and a server certificate for 127.0.0.1/localhost, made once per checkout (conformance/out is ignored). */
export const makeCertificates = (): {
  readonly caFile: string
  readonly certFile: string
  readonly keyFile: string
} => {
  const dir = path.join(outDir, "tls")
  const caFile = path.join(dir, "ca.pem")
  const certFile = path.join(dir, "server.pem")
  const keyFile = path.join(dir, "server.key")
  if (fs.existsSync(caFile) && fs.existsSync(certFile) && fs.existsSync(keyFile)) {
    return { caFile, certFile, keyFile }
  }
  fs.mkdirSync(dir, { recursive: true })
  const openssl = (args: ReadonlyArray<string>): void => {
    const result = spawnSync("openssl", args, { cwd: dir, encoding: "utf8" })
    if (result.status !== 0) throw new Error(`openssl ${args[0]} failed: ${result.stderr}`)
  }
  fs.writeFileSync(
    path.join(dir, "server.ext"),
    "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
      + "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n"
  )
  openssl([
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "3650",
    "-subj",
    "/CN=effect-informix conformance CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign"
  ])
  openssl([
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "server.key",
    "-out",
    "server.csr",
    "-subj",
    "/CN=127.0.0.1"
  ])
  openssl([
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "server.pem",
    "-days",
    "3650",
    "-extfile",
    "server.ext"
  ])
  return { caFile, certFile, keyFile }
}

const targetArgs = (target: Target, only: string, timeoutSeconds: number): Array<string> => {
  const args = [
    "--host",
    target.host,
    "--port",
    String(target.port),
    "--user",
    target.user,
    "--password",
    target.password,
    "--database",
    target.database,
    "--server",
    target.server,
    "--timeout",
    String(timeoutSeconds),
    `--stall-sql=${target.stallSql}`
  ]
  if (target.tlsPort !== undefined) args.push("--tls-port", String(target.tlsPort))
  if (target.caFile !== undefined) args.push("--ca", target.caFile)
  if (only !== "") args.push("--only", only)
  return args
}

/**
 * Runs one peer as a child process without blocking the event loop (the TestServer answering it lives in this
 * process). Every stdout line that parses as a result is kept; stderr goes to out/<client>.stderr.log.
 */
export const runPeer = (
  label: string,
  peer: Peer,
  target: Target,
  only: string,
  timeoutSeconds: number,
  expected: ReadonlyArray<string>,
  extraArgs: ReadonlyArray<string> = []
): Promise<Array<ScenarioResult>> =>
  new Promise((resolve) => {
    const results: Array<ScenarioResult> = []
    const stderrLog = fs.createWriteStream(path.join(outDir, `${label}.stderr.log`))
    const child = spawn(peer.command, [...peer.args, ...targetArgs(target, only, timeoutSeconds), ...extraArgs], {
      stdio: ["ignore", "pipe", "pipe"],
      env: process.env
    })
    // Backstop for a peer that hangs outside its own per-scenario timeouts.
    const overall = setTimeout(() => child.kill("SIGKILL"), (timeoutSeconds * expected.length + 60) * 1000)
    let pending = ""
    child.stdout.setEncoding("utf8")
    child.stdout.on("data", (chunk: string) => {
      pending += chunk
      let newline = pending.indexOf("\n")
      while (newline >= 0) {
        const line = pending.slice(0, newline).trim()
        pending = pending.slice(newline + 1)
        if (line !== "") {
          try {
            const result = { ...JSON.parse(line) as ScenarioResult, client: label }
            results.push(result)
            const mark = result.skipped === true ? "skip" : result.ok ? "pass" : "FAIL"
            process.stdout.write(`  ${label.padEnd(8)} ${mark.padEnd(5)} ${result.scenario}\n`)
          } catch {
            stderrLog.write(`[stdout, not JSON] ${line}\n`)
          }
        }
        newline = pending.indexOf("\n")
      }
    })
    child.stderr.pipe(stderrLog)
    const finish = (exit: string): void => {
      clearTimeout(overall)
      stderrLog.end()
      const reported = new Set(results.map((result) => result.scenario))
      for (const scenario of expected) {
        if (!reported.has(scenario)) {
          results.push({ client: label, scenario, ok: false, detail: `never reported (peer ${exit})` })
        }
      }
      resolve(results)
    }
    child.on("error", (error) => finish(`failed to start: ${error.message}`))
    child.on("close", (code, signal) => finish(signal !== null ? `killed by ${signal}` : `exited ${code}`))
  })

/**
 * One column of the table: a peer against a server in one framing mode. JDBC runs twice: against TestServer's
 * default (narrow framing) and against the extended framing a real Informix 15 grants JDBC 15 (bits 69/70).
 * informix-driver never offers those bits, so one run covers it.
 */
export interface Run {
  readonly label: string
  readonly peer: Peer
  readonly extendedFraming: boolean
  /** Appended to the peer's connection URLs (the JDBC peer's `--url-properties`). */
  readonly urlProperties?: string
}

/** The peer options a run adds to the target's. */
export const runArgs = (run: Run): ReadonlyArray<string> =>
  run.urlProperties === undefined ? [] : [`--url-properties=${run.urlProperties}`]

export const runs: ReadonlyArray<Run> = [
  { label: "jdbc", peer: peers[0]!, extendedFraming: false },
  { label: "jdbc-ext", peer: peers[0]!, extendedFraming: true },
  // IBM JDBC with OPTOFC=1: the server closes each cursor at its last row and JDBC sends no CLOSE for it.
  { label: "jdbc-optofc", peer: peers[0]!, extendedFraming: false, urlProperties: ";OPTOFC=1" },
  { label: "python", peer: peers[1]!, extendedFraming: false }
]

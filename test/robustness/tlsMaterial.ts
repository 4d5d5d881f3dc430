/**
 * TLS material for every TLS test (TestServer listener, Connection, robustness), made with the openssl CLI in a temp
 * directory (removed again): a private CA, and one server key with two certificates the CA signs — one for
 * localhost/127.0.0.1, one for another host name only.
 */
import { execFileSync } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"

export interface Material {
  readonly ca: Buffer
  readonly key: Buffer
  /** Signed by the CA for DNS:localhost and IP:127.0.0.1. */
  readonly cert: Buffer
  /** Signed by the CA for DNS:db.other.example only. */
  readonly otherCert: Buffer
}

export const makeMaterial = (): Material => {
  const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "ifx-tls-"))
  const openssl = (...args: Array<string>) => execFileSync("openssl", args, { cwd: dir, stdio: "ignore" })
  openssl(
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
    "2",
    "-subj",
    "/CN=effect-informix test CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign"
  )
  openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=server")
  const sign = (name: string, altNames: string) => {
    Fs.writeFileSync(
      Path.join(dir, `${name}.ext`),
      `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n` +
        `subjectAltName=${altNames}\n`
    )
    openssl(
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
      `${name}.pem`,
      "-days",
      "2",
      "-extfile",
      `${name}.ext`
    )
    return Fs.readFileSync(Path.join(dir, `${name}.pem`))
  }
  const material: Material = {
    ca: Fs.readFileSync(Path.join(dir, "ca.pem")),
    key: Fs.readFileSync(Path.join(dir, "server.key")),
    cert: sign("localhost", "DNS:localhost,IP:127.0.0.1"),
    otherCert: sign("other", "DNS:db.other.example")
  }
  Fs.rmSync(dir, { recursive: true, force: true })
  return material
}

/**
 * Where the TestServer keeps smart large objects (BLOB, CLOB): outside any row, one store per database, addressed by
 * a 72-byte locator as on a real server (`SB_LOCSIZE`, JDBC-LOB.md §4.4). A row or a client only ever holds the
 * locator; the bytes live here in 1 MiB pages allocated on first write, so a sparse or growing object costs only the
 * pages it touches and a read copies out just the range asked for.
 *
 * Objects are not transactional (a rolled-back INSERT leaves its object behind, like an unreferenced temporary LO
 * on a real server); they live as long as the TestServer.
 *
 * @internal
 */
import type { ServerContext } from "./context.ts"

/** `SB_LOCSIZE` (locator.h): JDBC copies exactly this many bytes as the locator. */
export const LOCATOR_SIZE = 72

/** Our locator: "TSLO", the object id (i32), zeros. Opaque to every client. */
const MAGIC = [0x54, 0x53, 0x4c, 0x4f] as const

const PAGE = 1 << 20

/** The content of one object: fixed-size pages, allocated lazily. */
export class SmartLobContent {
  readonly id: number
  private readonly pages: Array<Uint8Array | undefined> = []
  size = 0

  constructor(id: number) {
    this.id = id
  }

  /** Up to `n` bytes from `pos` (fewer at the end; none past it). */
  read(pos: number, n: number): Uint8Array {
    const end = Math.min(this.size, pos + Math.max(0, n))
    const out = new Uint8Array(Math.max(0, end - pos))
    for (let at = pos; at < end;) {
      const page = this.pages[Math.floor(at / PAGE)]
      const offset = at % PAGE
      const take = Math.min(PAGE - offset, end - at)
      if (page !== undefined) out.set(page.subarray(offset, offset + take), at - pos)
      at += take
    }
    return out
  }

  write(pos: number, bytes: Uint8Array): void {
    for (let done = 0; done < bytes.length;) {
      const at = pos + done
      const index = Math.floor(at / PAGE)
      const page = this.pages[index] ?? (this.pages[index] = new Uint8Array(PAGE))
      const offset = at % PAGE
      const take = Math.min(PAGE - offset, bytes.length - done)
      page.set(bytes.subarray(done, done + take), offset)
      done += take
    }
    this.size = Math.max(this.size, pos + bytes.length)
  }

  truncate(size: number): void {
    if (size >= this.size) return
    const keep = Math.ceil(size / PAGE)
    this.pages.length = Math.min(this.pages.length, keep)
    const last = this.pages[keep - 1]
    if (last !== undefined && size % PAGE !== 0) last.fill(0, size % PAGE)
    this.size = size
  }
}

/** The objects of one database. */
export class SmartLobStore {
  private readonly objects = new Map<number, SmartLobContent>()
  private next = 1

  create(): { readonly locator: Uint8Array; readonly content: SmartLobContent } {
    const content = new SmartLobContent(this.next++)
    this.objects.set(content.id, content)
    return { locator: locatorOf(content.id), content }
  }

  find(locator: Uint8Array): SmartLobContent | undefined {
    if (locator.length < LOCATOR_SIZE || MAGIC.some((b, i) => locator[i] !== b)) return undefined
    return this.objects.get(new DataView(locator.buffer, locator.byteOffset, 8).getInt32(4))
  }
}

const locatorOf = (id: number): Uint8Array => {
  const locator = new Uint8Array(LOCATOR_SIZE)
  locator.set(MAGIC)
  new DataView(locator.buffer).setInt32(4, id)
  return locator
}

/**
 * One store per database of a running TestServer. Keyed by the server's shared context (one per TestServer) so the
 * objects outlive the session that created them and vanish with the server.
 */
const stores = new WeakMap<ServerContext, Map<string, SmartLobStore>>()

export const smartLobStoreFor = (ctx: ServerContext, database: string): SmartLobStore => {
  let byName = stores.get(ctx)
  if (byName === undefined) stores.set(ctx, byName = new Map())
  let store = byName.get(database)
  if (store === undefined) byName.set(database, store = new SmartLobStore())
  return store
}

/**
 * Table locks held by uncommitted writes, shared by the sessions of one database.
 *
 * The databases are SQLite files in WAL mode: a reader never waits for a writer and reads the last committed data.
 * Informix's default COMMITTED READ (without LAST COMMITTED) instead waits for, or fails on, rows another session
 * has changed and not yet committed (−244 / ISAM −107 under NOT WAIT), while a reader itself holds no lock. The
 * engine reproduces that at table granularity: a transaction that writes a table (DML, or DDL creating, dropping or
 * altering it) holds it until COMMIT/ROLLBACK, and another session's read of it under any isolation but DIRTY READ is
 * a lock conflict the session layer retries until its lock wait ends. Coarser than Informix's row locks (a read that
 * would touch only unchanged rows also conflicts) but never a dirty read.
 */
export class TableLocks {
  private readonly holders = new Map<string, object>()

  /** `owner`'s open transaction has written `table` (case-insensitive name). */
  hold(owner: object, table: string): void {
    this.holders.set(table.toLowerCase(), owner)
  }

  /** Another session's open transaction has written `table`. */
  heldByOther(owner: object, table: string): boolean {
    const holder = this.holders.get(table.toLowerCase())
    return holder !== undefined && holder !== owner
  }

  /** COMMIT, ROLLBACK or close of `owner`. */
  releaseAll(owner: object): void {
    for (const [table, holder] of this.holders) if (holder === owner) this.holders.delete(table)
  }
}

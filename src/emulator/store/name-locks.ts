/**
 * One operation at a time per data source name: Tableau keeps data source names unique per project
 * (case-insensitively), and a publish checks the name, then awaits file and DuckDB work, then adds
 * the record. Holding the name's lock from the check to the catalog save makes check-and-insert
 * atomic (concurrent creates: one 201, the rest "Overwrite forbidden"), and overwrite, append,
 * rename, move and delete of the same name wait for each other. The emulator is one process, so
 * an in-memory queue per key is the whole lock.
 */
export class NameLocks {
  private readonly tails = new Map<string, Promise<void>>()

  /** Runs `work` holding every key (taken in sorted order, so two callers never wait on each other). */
  async with<T>(keys: readonly string[], work: () => Promise<T>): Promise<T> {
    const releases: (() => void)[] = []
    try {
      for (const key of [...new Set(keys)].sort()) releases.push(await this.acquire(key))
      return await work()
    } finally {
      for (const release of releases.reverse()) release()
    }
  }

  private async acquire(key: string): Promise<() => void> {
    const previous = this.tails.get(key) ?? Promise.resolve()
    let release!: () => void
    const mine = new Promise<void>((resolve) => {
      release = resolve
    })
    const tail = previous.then(() => mine)
    this.tails.set(key, tail)
    await previous
    return () => {
      release()
      if (this.tails.get(key) === tail) this.tails.delete(key)
    }
  }
}

/** The key of a data source name: site, project, and the name compared case-insensitively (as Tableau does). */
export const datasourceNameKey = (siteId: string, projectId: string, name: string): string =>
  `${siteId}\u0000${projectId}\u0000${name.toLowerCase()}`

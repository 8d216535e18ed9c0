import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FileSink, type SinkHashing } from './file-sink.js'
import { payloadError } from './payload-errors.js'
import type { PayloadSink } from './payload-format.js'

/**
 * Where one packaging run's change files live: numbered files `<name>-<random>-00001<ext>` in a given folder or
 * a fresh one under os.tmpdir(). It remembers what it created, so `dispose()` removes exactly that (the whole
 * folder only when it made the folder) and never touches other files of a shared folder.
 */
export class TempFileStore {
  readonly dir: string
  readonly #ownsDir: boolean
  readonly #prefix: string
  readonly #created = new Set<string>()
  readonly #open = new Set<FileSink>()
  #seq = 0
  #disposed = false

  private constructor(dir: string, ownsDir: boolean, name: string) {
    this.dir = dir
    this.#ownsDir = ownsDir
    this.#prefix = `${safeName(name)}-${randomUUID().slice(0, 8)}`
  }

  /** A store in `dir`, or in a new folder under os.tmpdir() (removed by dispose) when `dir` is undefined. */
  static async create(name: string, dir?: string): Promise<TempFileStore> {
    if (dir !== undefined) return new TempFileStore(dir, false, name)
    return new TempFileStore(await mkdtemp(join(tmpdir(), 'hyperdelta-')), true, name)
  }

  /** Bytes written so far to the files still open. */
  get openBytes(): number {
    let bytes = 0
    for (const sink of this.#open) bytes += sink.bytes
    return bytes
  }

  /** Creates the next file (never an existing one); PAYLOAD_IO names the path when it cannot. */
  async open(extension: string, hashing: SinkHashing = 'inline'): Promise<FileSink> {
    if (this.#disposed) throw payloadError('PAYLOAD_IO', 'the change files were already removed', {})
    this.#seq++
    const path = join(this.dir, `${this.#prefix}-${String(this.#seq).padStart(5, '0')}${extension}`)
    let sink: FileSink
    try {
      sink = await FileSink.create(path, hashing)
    } catch (cause) {
      throw payloadError('PAYLOAD_IO', `cannot create ${path}: ${(cause as Error).message}`, { path }, cause)
    }
    this.#created.add(path)
    this.#open.add(sink)
    return sink
  }

  /** Closes a file this store opened and returns its path, size and sha256. */
  async close(handle: PayloadSink): Promise<{ path: string; bytes: number; sha256: string }> {
    const sink = handle instanceof FileSink && this.#open.has(handle) ? handle : undefined
    if (!sink) throw payloadError('PAYLOAD_IO', 'closeFile got a sink it did not open', {})
    this.#open.delete(sink)
    return { path: sink.path, ...(await sink.close()) }
  }

  /** Removes one created file (e.g. one rewritten by keep-last). */
  async remove(path: string): Promise<void> {
    await rm(path, { force: true })
    this.#created.delete(path)
  }

  /** Discards open files and removes every created file (or the folder it made). Idempotent. */
  async dispose(): Promise<void> {
    if (this.#disposed) return
    this.#disposed = true
    await Promise.all([...this.#open].map((s) => s.discard()))
    this.#open.clear()
    if (this.#ownsDir) await rm(this.dir, { recursive: true, force: true })
    else await Promise.all([...this.#created].map((p) => rm(p, { force: true })))
    this.#created.clear()
  }
}

/** A table name as a safe file-name part. */
function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64) || 'changes'
}

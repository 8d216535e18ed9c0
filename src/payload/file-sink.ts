import { createHash, type Hash } from 'node:crypto'
import { type FileHandle, open } from 'node:fs/promises'
import { hashFile, hashWorker } from './file-hasher.js'
import type { PayloadSink } from './payload-format.js'

/**
 * A change file being written: async appends, byte count, and its sha256 computed on the way to disk
 * (on the hash worker where there is one, see file-hasher.ts; else on this thread).
 */
export class FileSink implements PayloadSink {
  #bytes = 0
  readonly #hash: Hash | undefined
  readonly #hasher: { worker: NonNullable<ReturnType<typeof hashWorker>>; id: number } | undefined
  readonly #handle: FileHandle
  readonly path: string

  private constructor(path: string, handle: FileHandle) {
    this.path = path
    this.#handle = handle
    const worker = hashWorker()
    if (worker) this.#hasher = { worker, id: worker.open(path) }
    else this.#hash = createHash('sha256')
  }

  /** Creates the file; fails if it exists, so two runs never write into each other's files. */
  static async create(path: string): Promise<FileSink> {
    return new FileSink(path, await open(path, 'wx'))
  }

  get bytes(): number {
    return this.#bytes
  }

  async write(chunk: Uint8Array): Promise<void> {
    // Without the worker, hashed while the first write runs on the thread pool: the two overlap instead of adding up.
    let writing = this.#handle.write(chunk, 0, chunk.length)
    this.#hash?.update(chunk)
    let done = 0
    while (true) {
      done += (await writing).bytesWritten
      if (done >= chunk.length) break
      writing = this.#handle.write(chunk, done, chunk.length - done)
    }
    this.#bytes += chunk.length
    this.#hasher?.worker.written(this.#hasher.id, this.#bytes)
  }

  /** Closes the file and returns its size and sha256 (hex). */
  async close(): Promise<{ bytes: number; sha256: string }> {
    await this.#handle.close()
    const bytes = this.#bytes
    if (this.#hash) return { bytes, sha256: this.#hash.digest('hex') }
    const { worker, id } = this.#hasher!
    return { bytes, sha256: (await worker.digest(id, bytes)) ?? (await hashFile(this.path, bytes)) }
  }

  /** Closes the handle, ignoring errors (cleanup path). */
  async discard(): Promise<void> {
    if (this.#hasher) this.#hasher.worker.discard(this.#hasher.id)
    await this.#handle.close().catch(() => {})
  }
}

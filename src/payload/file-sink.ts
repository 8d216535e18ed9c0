import { createHash, type Hash } from 'node:crypto'
import { type FileHandle, open } from 'node:fs/promises'
import type { PayloadSink } from './payload-format.js'

/** A change file being written: async appends, byte count and sha256 computed on the way to disk. */
export class FileSink implements PayloadSink {
  #bytes = 0
  readonly #hash: Hash = createHash('sha256')
  readonly #handle: FileHandle
  readonly path: string

  private constructor(path: string, handle: FileHandle) {
    this.path = path
    this.#handle = handle
  }

  /** Creates the file; fails if it exists, so two runs never write into each other's files. */
  static async create(path: string): Promise<FileSink> {
    return new FileSink(path, await open(path, 'wx'))
  }

  get bytes(): number {
    return this.#bytes
  }

  async write(chunk: Uint8Array): Promise<void> {
    // Hashed while the first write runs on the thread pool: the two overlap instead of adding up.
    let writing = this.#handle.write(chunk, 0, chunk.length)
    this.#hash.update(chunk)
    let done = 0
    while (true) {
      done += (await writing).bytesWritten
      if (done >= chunk.length) break
      writing = this.#handle.write(chunk, done, chunk.length - done)
    }
    this.#bytes += chunk.length
  }

  /** Closes the file and returns its size and sha256 (hex). */
  async close(): Promise<{ bytes: number; sha256: string }> {
    await this.#handle.close()
    return { bytes: this.#bytes, sha256: this.#hash.digest('hex') }
  }

  /** Closes the handle, ignoring errors (cleanup path). */
  async discard(): Promise<void> {
    await this.#handle.close().catch(() => {})
  }
}

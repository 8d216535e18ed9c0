import { createHash, type Hash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { type FileHandle, open } from 'node:fs/promises'
import type { PayloadSink } from './payload-format.js'
import { ReadBackSha256 } from './read-back-sha256.js'

/**
 * How a file's sha256 is computed: on the caller's thread as chunks are written (`inline`), or, once
 * the file is large, by the hashing thread reading it back (`read-back`, see read-back-sha256.ts).
 * Read-back is for writers whose own thread is the bottleneck and who start no other threads (the
 * Parquet splice path); it costs the memory of one more thread, which the row paths, already
 * compressing on worker threads, do not spend.
 */
export type SinkHashing = 'inline' | 'read-back'

/**
 * With read-back, files up to this size are still hashed inline; a larger one is handed to the
 * hashing thread, which starts over from byte 0. Small files never start a thread, and the work
 * thrown away on the switch stays small.
 */
const READ_BACK_FROM = 2 * 1024 * 1024

/** A change file being written: async appends, byte count and sha256 computed on the way to disk. */
export class FileSink implements PayloadSink {
  #bytes = 0
  #hash: Hash | undefined = createHash('sha256')
  #readBack: ReadBackSha256 | undefined
  #mayReadBack: boolean
  readonly #handle: FileHandle
  readonly path: string

  private constructor(path: string, handle: FileHandle, hashing: SinkHashing) {
    this.path = path
    this.#handle = handle
    this.#mayReadBack = hashing === 'read-back'
  }

  /** Creates the file; fails if it exists, so two runs never write into each other's files. */
  static async create(path: string, hashing: SinkHashing = 'inline'): Promise<FileSink> {
    return new FileSink(path, await open(path, 'wx'), hashing)
  }

  get bytes(): number {
    return this.#bytes
  }

  async write(chunk: Uint8Array): Promise<void> {
    // Hashed while the first write runs on the thread pool: the two overlap instead of adding up.
    let writing = this.#handle.write(chunk, 0, chunk.length)
    if (this.#mayReadBack && this.#bytes + chunk.length > READ_BACK_FROM) {
      this.#mayReadBack = false
      this.#readBack = ReadBackSha256.start(this.path)
      if (this.#readBack) this.#hash = undefined
    }
    this.#hash?.update(chunk)
    let done = 0
    while (true) {
      done += (await writing).bytesWritten
      if (done >= chunk.length) break
      writing = this.#handle.write(chunk, done, chunk.length - done)
    }
    this.#bytes += chunk.length
    this.#readBack?.written(this.#bytes)
  }

  /** Closes the file and returns its size and sha256 (hex). */
  async close(): Promise<{ bytes: number; sha256: string }> {
    await this.#handle.close()
    if (this.#hash) return { bytes: this.#bytes, sha256: this.#hash.digest('hex') }
    const sha256 = await this.#readBack!.digest(this.#bytes).catch(() => hashFile(this.path))
    return { bytes: this.#bytes, sha256 }
  }

  /** Closes the handle, ignoring errors (cleanup path). */
  async discard(): Promise<void> {
    this.#readBack?.discard()
    await this.#handle.close().catch(() => {})
  }
}

/** The sha256 of a whole file, read on this thread (when the hashing thread failed). */
async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

import { createHash } from 'node:crypto'
import { open } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'

/**
 * SHA-256 of change files computed on a worker thread while they are written. The worker reads back
 * what the writer reports as written (from the page cache, with its own file descriptor), so no bytes
 * cross threads and the calling thread never hashes: on the splice path hashing was as long as copying
 * the bytes. With one core, or when the worker cannot start or fails, the calling thread hashes
 * instead (see {@link hashFile}): the digest is the same either way.
 */

/** The worker: one open file per id, hashed up to the byte count each message names. A CommonJS script (eval). */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads')
const { openSync, readSync, closeSync } = require('node:fs')
const { createHash } = require('node:crypto')
const buffer = Buffer.allocUnsafe(1 << 20)
const files = new Map()
function drop(id) {
  const file = files.get(id)
  files.delete(id)
  if (file && file.fd !== undefined) closeSync(file.fd)
}
parentPort.on('message', ({ op, id, path, bytes }) => {
  try {
    if (op === 'open') {
      files.set(id, { fd: undefined, hash: createHash('sha256'), at: 0 })
      files.get(id).fd = openSync(path, 'r')
      return
    }
    if (op === 'discard') return drop(id)
    const file = files.get(id)
    if (!file) {
      if (op === 'digest') parentPort.postMessage({ id, error: 'not open' })
      return
    }
    while (file.at < bytes) {
      const n = readSync(file.fd, buffer, 0, Math.min(buffer.length, bytes - file.at), file.at)
      if (n === 0) throw new Error('the file ends at byte ' + file.at + ', before byte ' + bytes)
      file.hash.update(buffer.subarray(0, n))
      file.at += n
    }
    if (op === 'digest') {
      drop(id)
      parentPort.postMessage({ id, sha256: file.hash.digest('hex') })
    }
  } catch (error) {
    try { drop(id) } catch {}
    // Reported at the digest: the caller hashes the file itself then.
    parentPort.postMessage({ id, error: String(error && error.message || error) })
  }
})
`

interface Pending {
  resolve(sha256: string | undefined): void
}

class HashWorker {
  readonly #worker: Worker
  readonly #pending = new Map<number, Pending>()
  /** Ids whose worker-side hashing failed before their digest was asked for. */
  readonly #failed = new Set<number>()
  #next = 0
  #usable = true

  constructor() {
    this.#worker = new Worker(WORKER_SOURCE, { eval: true })
    this.#worker.unref()
    this.#worker.on('message', ({ id, sha256 }: { id: number; sha256?: string }) => {
      const pending = this.#pending.get(id)
      if (!pending) {
        if (sha256 === undefined) this.#failed.add(id)
        return
      }
      this.#pending.delete(id)
      if (this.#pending.size === 0) this.#worker.unref()
      pending.resolve(sha256)
    })
    const fail = () => {
      this.#usable = false
      for (const pending of this.#pending.values()) pending.resolve(undefined)
      this.#pending.clear()
    }
    this.#worker.on('error', fail)
    this.#worker.on('exit', fail)
  }

  get usable(): boolean {
    return this.#usable
  }

  open(path: string): number {
    const id = this.#next++
    this.#worker.postMessage({ op: 'open', id, path })
    return id
  }

  written(id: number, bytes: number): void {
    if (this.#usable) this.#worker.postMessage({ op: 'hash', id, bytes })
  }

  discard(id: number): void {
    this.#failed.delete(id)
    if (this.#usable) this.#worker.postMessage({ op: 'discard', id })
  }

  /** The digest of the file's first `bytes` bytes, or undefined when the worker could not hash them. */
  digest(id: number, bytes: number): Promise<string | undefined> {
    if (!this.#usable || this.#failed.delete(id)) return Promise.resolve(undefined)
    return new Promise((resolve) => {
      this.#pending.set(id, { resolve })
      this.#worker.ref()
      this.#worker.postMessage({ op: 'digest', id, bytes })
    })
  }
}

let worker: HashWorker | null | undefined

/** The process's hash worker, started on first use; null with one core, or once it could not start or failed. */
export function hashWorker(): HashWorker | null {
  if (worker === undefined) {
    try {
      worker = availableParallelism() < 2 ? null : new HashWorker()
    } catch {
      worker = null
    }
  }
  return worker?.usable ? worker : null
}

/** SHA-256 (hex) of a file's first `bytes` bytes, read on the calling thread (the fallback). */
export async function hashFile(path: string, bytes: number): Promise<string> {
  const hash = createHash('sha256')
  const handle = await open(path, 'r')
  try {
    const buffer = new Uint8Array(Math.min(1 << 20, Math.max(1, bytes)))
    let at = 0
    while (at < bytes) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, bytes - at), at)
      if (bytesRead === 0) throw new Error(`${path} ends at byte ${at}, before byte ${bytes}`)
      hash.update(buffer.subarray(0, bytesRead))
      at += bytesRead
    }
  } finally {
    await handle.close()
  }
  return hash.digest('hex')
}

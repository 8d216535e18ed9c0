import { HelperThread, sharedHelper } from './helper-thread.js'

/**
 * sha256 of a change file computed on a worker thread that reads back what was written, so that
 * hashing overlaps with the caller's next reads, checks and writes instead of adding to them.
 *
 * Why read back instead of handing the worker the written chunks: a chunk sent to another thread is
 * either copied (memory and time) or shared, and shared memory is released only when the worker's
 * garbage collector runs, which an idle hashing thread rarely does. Reading our own file back
 * (from the page cache: it was just written) into one reused buffer keeps the worker's memory flat.
 * The file is ours alone (created exclusively in the store's folder), so what is read back is what
 * was written.
 *
 * One worker serves every file of the process; it is started on first use and unref'd while idle,
 * so it never keeps a process alive. If it cannot start or fails, {@link ReadBackSha256.digest}
 * rejects and the caller hashes the file itself.
 */

/** Plain JavaScript (eval'd CommonJS): per stream an fd, a hash and how far it has read. */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads')
const { openSync, readSync, closeSync } = require('node:fs')
const { createHash } = require('node:crypto')
const buffer = Buffer.allocUnsafe(1 << 20)
const streams = new Map()
// Exactly one reply per stream, to its digest or discard; a failure before that is kept for the reply.
parentPort.on('message', ({ op, id, path, upTo }) => {
  if (op === 'open') {
    const s = { fd: undefined, hash: createHash('sha256'), at: 0, error: undefined }
    streams.set(id, s)
    try { s.fd = openSync(path, 'r') } catch (error) { s.error = String(error && error.message || error) }
    return
  }
  const s = streams.get(id)
  if (!s) return
  try {
    while (s.error === undefined && op !== 'discard' && s.at < upTo) {
      const n = readSync(s.fd, buffer, 0, Math.min(buffer.length, upTo - s.at), s.at)
      if (n === 0) throw new Error('the file ends at byte ' + s.at + ', before byte ' + upTo)
      s.hash.update(buffer.subarray(0, n))
      s.at += n
    }
  } catch (error) {
    s.error = String(error && error.message || error)
  }
  if (op === 'update') return
  streams.delete(id)
  if (s.fd !== undefined) try { closeSync(s.fd) } catch {}
  const reply = op === 'discard' ? {} : s.error === undefined ? { sha256: s.hash.digest('hex') } : { error: s.error }
  parentPort.postMessage({ id, ...reply })
})
`

interface Pending {
  readonly resolve: (sha256: string) => void
  readonly reject: (error: Error) => void
}

class HashWorker {
  readonly #thread: HelperThread<{ id: number; sha256?: string; error?: string }>
  readonly #waiting = new Map<number, Pending>()
  #next = 0

  constructor() {
    this.#thread = new HelperThread(WORKER_SOURCE, {
      name: 'the hashing thread',
      onMessage: (reply) => {
        // Every stream is answered once (its digest or discard): that releases what open() held.
        this.#thread.release()
        const waiting = this.#waiting.get(reply.id)
        this.#waiting.delete(reply.id)
        if (!waiting) return
        if (reply.sha256 !== undefined) waiting.resolve(reply.sha256)
        else waiting.reject(new Error(reply.error ?? 'the hashing thread ended the stream'))
      },
      onFail: (error) => {
        for (const waiting of this.#waiting.values()) waiting.reject(error)
        this.#waiting.clear()
      },
    })
  }

  get usable(): boolean {
    return this.#thread.failure === undefined
  }

  open(path: string): number {
    const id = this.#next++
    this.#thread.hold()
    this.#thread.post({ op: 'open', id, path })
    return id
  }

  post(op: 'update' | 'discard', id: number, upTo = 0): void {
    this.#thread.post({ op, id, upTo })
  }

  digest(id: number, upTo: number): Promise<string> {
    const failure = this.#thread.failure
    if (failure) return Promise.reject(failure)
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject })
      this.#thread.post({ op: 'digest', id, upTo })
    })
  }
}

const hashWorker = sharedHelper(() => new HashWorker())

/** A file's sha256 being computed by the hashing thread as the file grows. */
export class ReadBackSha256 {
  readonly #worker: HashWorker
  readonly #id: number
  #ended = false

  private constructor(worker: HashWorker, id: number) {
    this.#worker = worker
    this.#id = id
  }

  /** Starts hashing the file at `path` on the hashing thread; undefined when no thread is usable. */
  static start(path: string): ReadBackSha256 | undefined {
    const worker = hashWorker()
    return worker && new ReadBackSha256(worker, worker.open(path))
  }

  /** The file's first `bytes` bytes are written: the thread may hash them. */
  written(bytes: number): void {
    if (!this.#ended) this.#worker.post('update', this.#id, bytes)
  }

  /** The sha256 (hex) of the file's first `bytes` bytes, all written; rejects when the thread failed. */
  digest(bytes: number): Promise<string> {
    this.#ended = true
    return this.#worker.digest(this.#id, bytes)
  }

  /** Stops hashing (the file is abandoned). */
  discard(): void {
    if (this.#ended) return
    this.#ended = true
    this.#worker.post('discard', this.#id)
  }
}

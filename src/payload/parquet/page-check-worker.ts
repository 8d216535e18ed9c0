import { Worker } from 'node:worker_threads'
import { PAGES_VALID_SOURCE, type PageJob, pagesValidHere } from './parquet-page-checks.js'
import { snappyWorkerSetup } from './snappy.js'

/**
 * Page value checks of spliced row groups (parquet-page-checks.ts) on a worker thread, so that
 * decompressing and checking the next group overlaps with writing the current one. The group's
 * bytes are transferred there and back, never copied. The worker is created on first use, shared by
 * the process and unref'd while idle; if it cannot start or dies, the checks run on the calling
 * thread — the answer is the same either way.
 */

/** The worker: runs the same source as the calling thread's fallback, with the same decompressor. A CommonJS script (eval). */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const { isAscii, isUtf8 } = require('node:buffer')
const uncompress = workerData.native
  ? ((binding) => (input) => {
      // A plain Uint8Array view, not a Buffer: Buffer#slice shares memory where Uint8Array#slice copies.
      const out = binding.uncompressSync(input, { asBuffer: true })
      return new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
    })(require(workerData.native))
  : require(workerData.js).uncompress
${PAGES_VALID_SOURCE}
parentPort.on('message', ({ id, buffer, jobs }) => {
  let valid = false
  try {
    valid = pagesValid(new Uint8Array(buffer), jobs, uncompress, isUtf8, isAscii)
  } catch {}
  parentPort.postMessage({ id, valid, buffer }, [buffer])
})
`

interface Task {
  resolve(result: { valid: boolean; buffer: ArrayBuffer }): void
  reject(error: unknown): void
}

class PageCheckWorker {
  readonly #worker: Worker
  readonly #tasks = new Map<number, Task>()
  #next = 0
  #failed = false

  constructor() {
    this.#worker = new Worker(WORKER_SOURCE, { eval: true, workerData: snappyWorkerSetup() })
    this.#worker.unref()
    this.#worker.on('message', ({ id, valid, buffer }: { id: number; valid: boolean; buffer: ArrayBuffer }) => {
      const task = this.#tasks.get(id)
      if (!task) return
      this.#tasks.delete(id)
      if (this.#tasks.size === 0) this.#worker.unref()
      task.resolve({ valid, buffer })
    })
    const fail = (error: unknown) => {
      this.#failed = true
      // The bytes were transferred, so the tasks in flight cannot be redone here: they fail.
      for (const task of this.#tasks.values()) task.reject(error)
      this.#tasks.clear()
    }
    this.#worker.on('error', fail)
    this.#worker.on('exit', (code) => fail(new Error(`page check worker exited with code ${code}`)))
  }

  get usable(): boolean {
    return !this.#failed
  }

  check(buffer: ArrayBuffer, jobs: readonly PageJob[]): Promise<{ valid: boolean; buffer: ArrayBuffer }> {
    return new Promise((resolve, reject) => {
      const id = this.#next++
      this.#tasks.set(id, { resolve, reject })
      this.#worker.ref()
      this.#worker.postMessage({ id, buffer, jobs }, [buffer])
    })
  }
}

let worker: PageCheckWorker | null | undefined

function checkWorker(): PageCheckWorker | null {
  if (worker === undefined) {
    try {
      worker = new PageCheckWorker()
    } catch {
      worker = null
    }
  }
  return worker?.usable ? worker : null
}

/**
 * Checks the jobs' pages in `bytes` (which must own its whole buffer: it is transferred) on the
 * worker when `threads` > 0, else here. Resolves to the bytes (a new view when they went to the
 * worker and back) when every page is valid, undefined when not proven.
 */
export async function checkPages(
  bytes: Uint8Array,
  jobs: readonly PageJob[],
  threads: number,
): Promise<Uint8Array | undefined> {
  if (jobs.length === 0) return bytes
  const owned = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
  const pool = threads > 0 && owned ? checkWorker() : null
  if (!pool) return pagesValidHere(bytes, jobs) ? bytes : undefined
  const { valid, buffer } = await pool.check(bytes.buffer as ArrayBuffer, jobs)
  return valid ? new Uint8Array(buffer) : undefined
}

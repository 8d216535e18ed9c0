import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import type { EncodedRowGroup } from './parquet-pages.js'
import { type SnappyImplementation, type SnappyWorkerSetup, snappyCompress, snappyWorkerSetup } from './snappy.js'

/**
 * SNAPPY compression of encoded pages on worker threads, so that it overlaps with reading,
 * validating and encoding the next rows on the main thread. Compression is the largest share of
 * packaging CPU time; everything else stays on the caller's thread.
 *
 * The compressor is the native binding where it loads, else snappyjs (see `snappy.ts`); both are
 * faster than hyparquet-writer's port, because snappyjs writes into one preallocated buffer instead of appending
 * byte by byte (bench/results.md has the figures).
 *
 * Workers are created on first use, shared by every encoder of the process, and unref'd while idle
 * so they never keep a process alive. If a worker cannot be started or dies, compression falls
 * back to the calling thread: the result is the same bytes either way.
 */

/**
 * Turns a page's parts into its compressed PLAIN bytes: interleaves text lengths (4-byte little
 * endian before each value) when there are any, then compresses. Plain JavaScript source, so the
 * very same code runs on a worker and, as the fallback, on this thread.
 */
const FINISH_PAGE_SOURCE = `
function finishPage(values, lengths, compress) {
  if (lengths) {
    const plain = new Uint8Array(values.length + 4 * lengths.length)
    let p = 0
    let from = 0
    for (let k = 0; k < lengths.length; k++) {
      const n = lengths[k]
      plain[p] = n & 0xff
      plain[p + 1] = (n >>> 8) & 0xff
      plain[p + 2] = (n >>> 16) & 0xff
      plain[p + 3] = n >>> 24
      p += 4
      // Short values are copied by hand: a subarray per value costs more than the copy.
      if (n > 64) plain.set(values.subarray(from, from + n), p)
      else for (let b = 0; b < n; b++) plain[p + b] = values[from + b]
      p += n
      from += n
    }
    values = plain
  }
  return compress(values)
}
`

type FinishPage = (
  values: Uint8Array,
  lengths: Int32Array | undefined,
  compress: (input: Uint8Array) => Uint8Array,
) => Uint8Array
const finishPage = new Function(`${FINISH_PAGE_SOURCE}\nreturn finishPage`)() as FinishPage

/**
 * The worker: finishes each page it is sent with the implementation the message names (set up as
 * this thread's, see `snappyWorkerSetup`) and transfers the bytes back. A CommonJS script (eval).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const compressors = {
  js: require(workerData.js).compress,
  native: workerData.native
    ? ((binding) => (input) => binding.compressSync(input, workerData.nativeOptions))(require(workerData.native))
    : undefined,
}
${FINISH_PAGE_SOURCE}
// Only a buffer that owns its whole memory is transferred; anything else is copied first.
const owned = (page) =>
  page.byteOffset === 0 && page.byteLength === page.buffer.byteLength ? page : new Uint8Array(page)
parentPort.on('message', ({ id, pages, snappy }) => {
  const compress = compressors[snappy]
  const out = pages.map((page) => owned(finishPage(page.values, page.lengths, compress)))
  parentPort.postMessage({ id, pages: out }, out.map((page) => page.buffer))
})
`

/** Finishes every page of the group in place (on this thread). */
export function compressGroupSync(group: EncodedRowGroup, snappy: SnappyImplementation): EncodedRowGroup {
  const compress = (input: Uint8Array) => snappyCompress(snappy, input)
  for (const pages of group.columns) {
    for (const page of pages) {
      page.values = finishPage(page.values, page.lengths, compress)
      page.lengths = undefined
    }
  }
  return group
}

interface Task {
  readonly group: EncodedRowGroup
  readonly resolve: (group: EncodedRowGroup) => void
  readonly reject: (error: unknown) => void
}

class CompressionWorker {
  readonly #worker: Worker
  readonly #tasks = new Map<number, Task>()
  #next = 0
  #failed: unknown

  constructor(setup: SnappyWorkerSetup) {
    this.#worker = new Worker(WORKER_SOURCE, { eval: true, workerData: setup })
    this.#worker.unref()
    this.#worker.on('message', ({ id, pages }: { id: number; pages: Uint8Array[] }) => {
      const task = this.#tasks.get(id)
      if (!task) return
      this.#tasks.delete(id)
      if (this.#tasks.size === 0) this.#worker.unref()
      let k = 0
      for (const column of task.group.columns) {
        for (const page of column) {
          page.values = pages[k++]!
          page.lengths = undefined
        }
      }
      task.resolve(task.group)
    })
    const fail = (error: unknown) => {
      this.#failed = error
      // The pages were transferred, so the tasks in flight cannot be redone here: they fail.
      for (const task of this.#tasks.values()) task.reject(error)
      this.#tasks.clear()
    }
    this.#worker.on('error', fail)
    this.#worker.on('exit', (code) => fail(new Error(`compression worker exited with code ${code}`)))
  }

  get usable(): boolean {
    return this.#failed === undefined
  }

  get load(): number {
    return this.#tasks.size
  }

  compress(group: EncodedRowGroup, snappy: SnappyImplementation): Promise<EncodedRowGroup> {
    return new Promise((resolve, reject) => {
      const id = this.#next++
      const pages = group.columns.flatMap((column) => column.map(({ values, lengths }) => ({ values, lengths })))
      const transfer = pages.flatMap(({ values, lengths }) =>
        lengths ? [values.buffer, lengths.buffer] : [values.buffer],
      )
      this.#tasks.set(id, { group, resolve, reject })
      this.#worker.ref()
      this.#worker.postMessage({ id, pages, snappy }, transfer as ArrayBuffer[])
    })
  }
}

let workers: CompressionWorker[] | undefined

function startWorkers(count: number): CompressionWorker[] {
  try {
    const setup = snappyWorkerSetup()
    return Array.from({ length: count }, () => new CompressionWorker(setup))
  } catch {
    return []
  }
}

/** Worker threads used by default: one per core beyond the caller's, at most 3. */
export function defaultCompressionThreads(): number {
  return Math.min(3, Math.max(0, availableParallelism() - 1))
}

/**
 * Compresses the group's pages on the least busy worker (of the first `threads`), or on this thread
 * when `threads` is 0 or no worker is usable. Each page must own its buffer (it is transferred).
 */
export function compressGroup(
  group: EncodedRowGroup,
  threads: number,
  snappy: SnappyImplementation,
): Promise<EncodedRowGroup> {
  if (threads <= 0) return Promise.resolve(compressGroupSync(group, snappy))
  if (!workers || workers.length < threads)
    workers = [...(workers ?? []), ...startWorkers(threads - (workers?.length ?? 0))]
  let best: CompressionWorker | undefined
  for (const worker of workers.slice(0, threads)) {
    if (worker.usable && (!best || worker.load < best.load)) best = worker
  }
  return best ? best.compress(group, snappy) : Promise.resolve(compressGroupSync(group, snappy))
}

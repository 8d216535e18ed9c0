import { availableParallelism } from 'node:os'
import { HelperThread } from '../helper-thread.js'
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
parentPort.on('message', ({ id, pages, snappy, out }) => {
  const compress = compressors[snappy]
  const done = pages.map((page) => finishPage(page.values, page.lengths, compress))
  let total = 0
  for (const page of done) total += page.length
  if (out && total <= out.byteLength) {
    // Into the caller's buffer, which goes back where it came from (see OutputBuffers).
    const view = new Uint8Array(out)
    const sizes = []
    let at = 0
    for (const page of done) {
      view.set(page, at)
      at += page.length
      sizes.push(page.length)
    }
    parentPort.postMessage({ id, out, sizes }, [out])
    return
  }
  const back = done.map(owned)
  const transfer = back.map((page) => page.buffer)
  if (out) transfer.push(out)
  parentPort.postMessage({ id, pages: back, out }, transfer)
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
  readonly outputs: OutputBuffers | undefined
  readonly resolve: (group: EncodedRowGroup) => void
  readonly reject: (error: unknown) => void
}

/**
 * Buffers that compressed pages come back in, reused by one encoder. Why: an ArrayBuffer a worker
 * allocates and transfers counts as new external memory on the receiving thread, and enough of it
 * makes V8 run a full garbage collection, which marks the caller's whole heap (a million row objects
 * held by the caller take long to mark). A buffer that goes out and comes back adds nothing. Each
 * buffer is lent with a group and given back by {@link OutputBuffers.giveBack} once the group is written.
 */
export class OutputBuffers {
  readonly #spare: ArrayBuffer[] = []
  readonly #lent = new WeakMap<EncodedRowGroup, ArrayBuffer>()

  /** A buffer of at least `bytes` (a spare one when one fits). */
  take(bytes: number): ArrayBuffer {
    const k = this.#spare.findIndex((buffer) => buffer.byteLength >= bytes)
    return k >= 0 ? this.#spare.splice(k, 1)[0]! : new ArrayBuffer(bytes + (bytes >>> 3))
  }

  lend(group: EncodedRowGroup, buffer: ArrayBuffer): void {
    this.#lent.set(group, buffer)
  }

  /** The group's pages are written: the buffer they lie in may be reused. */
  giveBack(group: EncodedRowGroup): void {
    const buffer = this.#lent.get(group)
    this.#lent.delete(group)
    if (buffer) this.keep(buffer)
  }

  keep(buffer: ArrayBuffer): void {
    if (buffer.byteLength > 0 && this.#spare.length < SPARE_OUTPUTS) this.#spare.push(buffer)
  }
}

/** Spare output buffers an encoder keeps: one per group in flight, and one being written. */
const SPARE_OUTPUTS = 4

interface CompressionReply {
  readonly id: number
  readonly pages?: Uint8Array[]
  readonly out?: ArrayBuffer
  readonly sizes?: number[]
}

class CompressionWorker {
  readonly #thread: HelperThread<CompressionReply>
  readonly #tasks = new Map<number, Task>()
  #next = 0

  constructor(setup: SnappyWorkerSetup) {
    this.#thread = new HelperThread(WORKER_SOURCE, {
      workerData: setup,
      name: 'compression worker',
      onMessage: (reply) => this.#done(reply),
      onFail: (error) => {
        // The pages were transferred, so the tasks in flight cannot be redone here: they fail.
        for (const task of this.#tasks.values()) task.reject(error)
        this.#tasks.clear()
      },
    })
  }

  #done(reply: CompressionReply): void {
    this.#thread.release()
    const task = this.#tasks.get(reply.id)
    if (!task) return
    this.#tasks.delete(reply.id)
    const { out, sizes } = reply
    let k = 0
    let at = 0
    for (const column of task.group.columns) {
      for (const page of column) {
        if (sizes) {
          page.values = new Uint8Array(out!, at, sizes[k]!)
          at += sizes[k++]!
        } else {
          page.values = reply.pages![k++]!
        }
        page.lengths = undefined
      }
    }
    if (out && sizes) task.outputs?.lend(task.group, out)
    else if (out) task.outputs?.keep(out)
    task.resolve(task.group)
  }

  get usable(): boolean {
    return this.#thread.failure === undefined
  }

  get load(): number {
    return this.#tasks.size
  }

  compress(group: EncodedRowGroup, snappy: SnappyImplementation, outputs?: OutputBuffers): Promise<EncodedRowGroup> {
    return new Promise((resolve, reject) => {
      const id = this.#next++
      const pages = group.columns.flatMap((column) => column.map(({ values, lengths }) => ({ values, lengths })))
      const transfer = pages.flatMap(({ values, lengths }) =>
        lengths ? [values.buffer, lengths.buffer] : [values.buffer],
      ) as ArrayBuffer[]
      // Room for the pages as compressed: SNAPPY rarely grows a page, and a group that does not fit comes back in buffers of its own.
      let plain = 0
      for (const page of pages) plain += page.values.length + (page.lengths ? 4 * page.lengths.length : 0)
      const out = outputs?.take(plain)
      if (out) transfer.push(out)
      this.#tasks.set(id, { group, outputs, resolve, reject })
      this.#thread.hold()
      this.#thread.post({ id, pages, snappy, out }, transfer)
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
  outputs?: OutputBuffers,
): Promise<EncodedRowGroup> {
  if (threads <= 0) return Promise.resolve(compressGroupSync(group, snappy))
  if (!workers || workers.length < threads)
    workers = [...(workers ?? []), ...startWorkers(threads - (workers?.length ?? 0))]
  let best: CompressionWorker | undefined
  for (const worker of workers.slice(0, threads)) {
    if (worker.usable && (!best || worker.load < best.load)) best = worker
  }
  return best ? best.compress(group, snappy, outputs) : Promise.resolve(compressGroupSync(group, snappy))
}

import { Worker } from 'node:worker_threads'
import { snappyAsciiSource } from './snappy-ascii.js'

/**
 * The ASCII proof of SNAPPY text pages (snappy-ascii.ts) on a thread of its own, so that it runs while
 * the caller writes the row group before: when a Parquet input's row groups are copied, that proof is
 * the largest share of the caller's work. The pages are read where they lie, in shared memory, never
 * copied. One thread serves the process, started on first use and unref'd while idle.
 *
 * The thread runs the very function the caller would run: its source text is sent over. Any failure
 * (no worker threads here, the thread dies, an answer that does not come) answers "not proven" for
 * every page of the request, and the caller checks those pages itself: the result never depends on
 * the thread.
 */

/** A page to prove: where its compressed bytes lie in the shared buffer, its decompressed size, whether levels come first. */
export type AsciiJob = readonly [start: number, length: number, size: number, levelsFirst: boolean]

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const prove = new Function(workerData.source + '\\nreturn snappyAsciiFrom')()
parentPort.on('message', ({ id, buffer, jobs }) => {
  const bytes = new Uint8Array(buffer)
  parentPort.postMessage({ id, proven: jobs.map(([start, length, size, levels]) => prove(bytes.subarray(start, start + length), size, levels)) })
})
`

interface Waiting {
  readonly resolve: (proven: boolean[]) => void
  readonly count: number
}

class AsciiCheckThread {
  readonly #worker: Worker
  readonly #waiting = new Map<number, Waiting>()
  #next = 0
  #failed = false

  constructor() {
    this.#worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { source: snappyAsciiSource() } })
    this.#worker.on('message', ({ id, proven }: { id: number; proven: boolean[] }) => {
      const waiting = this.#waiting.get(id)
      this.#waiting.delete(id)
      if (this.#waiting.size === 0) this.#worker.unref()
      waiting?.resolve(proven)
    })
    const fail = () => {
      this.#failed = true
      for (const waiting of this.#waiting.values()) waiting.resolve(new Array(waiting.count).fill(false))
      this.#waiting.clear()
    }
    this.#worker.on('error', fail)
    this.#worker.on('exit', fail)
    // After the listeners: adding a 'message' listener refs the port again, and an idle thread must not keep the process alive.
    this.#worker.unref()
  }

  get usable(): boolean {
    return !this.#failed
  }

  prove(buffer: SharedArrayBuffer, jobs: readonly AsciiJob[]): Promise<boolean[]> {
    return new Promise((resolve) => {
      const id = this.#next++
      this.#waiting.set(id, { resolve, count: jobs.length })
      this.#worker.ref()
      this.#worker.postMessage({ id, buffer, jobs })
    })
  }
}

let shared: AsciiCheckThread | null | undefined

/** The shared thread, or undefined where none can run (the caller proves pages itself). */
export function asciiCheckThread(): { prove: AsciiCheckThread['prove'] } | undefined {
  if (shared === undefined) {
    try {
      shared = new AsciiCheckThread()
    } catch {
      shared = null
    }
  }
  return shared?.usable ? shared : undefined
}

import { HelperThread, sharedHelper } from '../helper-thread.js'
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
  readonly #thread: HelperThread<{ id: number; proven: boolean[] }>
  readonly #waiting = new Map<number, Waiting>()
  #next = 0

  constructor() {
    this.#thread = new HelperThread(WORKER_SOURCE, {
      workerData: { source: snappyAsciiSource() },
      name: 'the ASCII proof thread',
      onMessage: ({ id, proven }) => {
        this.#thread.release()
        const waiting = this.#waiting.get(id)
        this.#waiting.delete(id)
        waiting?.resolve(proven)
      },
      onFail: () => {
        for (const waiting of this.#waiting.values()) waiting.resolve(new Array(waiting.count).fill(false))
        this.#waiting.clear()
      },
    })
  }

  get usable(): boolean {
    return this.#thread.failure === undefined
  }

  prove(buffer: SharedArrayBuffer, jobs: readonly AsciiJob[]): Promise<boolean[]> {
    if (!this.usable) return Promise.resolve(new Array(jobs.length).fill(false))
    return new Promise((resolve) => {
      const id = this.#next++
      this.#waiting.set(id, { resolve, count: jobs.length })
      this.#thread.hold()
      this.#thread.post({ id, buffer, jobs })
    })
  }
}

/** The shared thread, or undefined where none can run (the caller proves pages itself). */
export const asciiCheckThread: () => { prove: AsciiCheckThread['prove'] } | undefined = sharedHelper(
  () => new AsciiCheckThread(),
)

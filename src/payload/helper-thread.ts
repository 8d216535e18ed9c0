import { Worker } from 'node:worker_threads'

/**
 * A worker thread of packaging (compression, the ASCII proof, read-back hashing): eval'd CommonJS
 * source that keeps the process alive only while some request still owes an answer, and reports its
 * failure (an error, or an exit) once. The three threads differ in their messages, not in this.
 */
export class HelperThread<Reply> {
  readonly #worker: Worker
  #held = 0
  #failure: Error | undefined

  constructor(
    source: string,
    options: {
      readonly workerData?: unknown
      /** Name for the failure when the thread exits, e.g. "the hashing thread". */
      readonly name: string
      readonly onMessage: (reply: Reply) => void
      readonly onFail: (error: Error) => void
    },
  ) {
    this.#worker = new Worker(source, { eval: true, workerData: options.workerData })
    this.#worker.on('message', (reply: Reply) => options.onMessage(reply))
    const fail = (error: Error) => {
      if (this.#failure) return
      this.#failure = error
      options.onFail(error)
    }
    this.#worker.on('error', fail)
    this.#worker.on('exit', (code) => fail(new Error(`${options.name} exited with code ${code}`)))
    // After the listeners: adding a 'message' listener refs the port again, and an idle thread must not keep the process alive.
    this.#worker.unref()
  }

  /** Why the thread can no longer work; undefined while it can. */
  get failure(): Error | undefined {
    return this.#failure
  }

  /** Requests that still owe an answer. */
  get held(): number {
    return this.#held
  }

  /** Sends a message (dropped once the thread failed: whoever waits was told by `onFail`). */
  post(message: unknown, transfer?: readonly ArrayBuffer[]): void {
    if (!this.#failure) this.#worker.postMessage(message, transfer as ArrayBuffer[] | undefined)
  }

  /** A request now owes an answer: the process stays alive until it is {@link release}d. */
  hold(): void {
    if (this.#held++ === 0) this.#worker.ref()
  }

  /** A request was answered. */
  release(): void {
    if (--this.#held === 0) this.#worker.unref()
  }
}

/**
 * One instance of `make` for the whole process, made on first use; undefined where it cannot be made
 * (no worker threads here) or once it is no longer `usable` (the caller then works on its own thread).
 */
export function sharedHelper<T extends { readonly usable: boolean }>(make: () => T): () => T | undefined {
  let shared: T | null | undefined
  return () => {
    if (shared === undefined) {
      try {
        shared = make()
      } catch {
        shared = null
      }
    }
    return shared?.usable ? shared : undefined
  }
}

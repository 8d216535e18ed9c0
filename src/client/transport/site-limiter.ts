import { abortedError } from './client-errors.js'

// A counting semaphore with a FIFO queue: at most `limit` holders at once, waiters served in arrival order, a waiter
// whose AbortSignal fires leaves the queue at once. One per (server origin, site) in a process (concurrency-layer.ts).

/** Gives the slot back; calling it again does nothing. */
export type ReleaseSlot = () => void

interface Waiter {
  grant: (release: ReleaseSlot) => void
  signal: AbortSignal | undefined
  onAbort: () => void
}

/**
 * At most `limit` slots held at once. A lowered limit lets no new holder in until enough slots are given back;
 * a raised one lets waiters in at once.
 *
 * @example
 * ```ts
 * const limiter = new SiteLimiter(2)
 * const release = await limiter.acquire(signal, 'upload: PUT /…')
 * try { await send() } finally { release() }
 * ```
 */
export class SiteLimiter {
  #limit: number
  #inFlight = 0
  #maxInFlight = 0
  readonly #queue: Waiter[] = []

  constructor(limit: number) {
    this.#limit = limit
  }

  /** Slots held at once, at most. */
  get limit(): number {
    return this.#limit
  }

  set limit(limit: number) {
    this.#limit = limit
    this.#drain()
  }

  /** Slots held now. */
  get inFlight(): number {
    return this.#inFlight
  }

  /** The most slots ever held at once. */
  get maxInFlight(): number {
    return this.#maxInFlight
  }

  /** Callers waiting for a slot. */
  get waiting(): number {
    return this.#queue.length
  }

  /**
   * Resolves with the release of a slot once one is free and every earlier caller has had theirs; rejects with
   * `ABORTED` (naming `what`) when `signal` fires first, holding nothing.
   */
  acquire(signal?: AbortSignal, what = 'request'): Promise<ReleaseSlot> {
    if (signal?.aborted) return Promise.reject(queuedAbort(what, signal))
    if (this.#queue.length === 0 && this.#inFlight < this.#limit) return Promise.resolve(this.#take())
    return new Promise<ReleaseSlot>((resolve, reject) => {
      const waiter: Waiter = {
        grant: resolve,
        signal,
        onAbort: () => {
          const at = this.#queue.indexOf(waiter)
          if (at >= 0) this.#queue.splice(at, 1)
          reject(queuedAbort(what, signal!))
        },
      }
      signal?.addEventListener('abort', waiter.onAbort, { once: true })
      this.#queue.push(waiter)
    })
  }

  #take(): ReleaseSlot {
    this.#inFlight++
    this.#maxInFlight = Math.max(this.#maxInFlight, this.#inFlight)
    let released = false
    return () => {
      if (released) return
      released = true
      this.#inFlight--
      this.#drain()
    }
  }

  #drain(): void {
    while (this.#queue.length > 0 && this.#inFlight < this.#limit) {
      const waiter = this.#queue.shift()!
      waiter.signal?.removeEventListener('abort', waiter.onAbort)
      waiter.grant(this.#take())
    }
  }
}

function queuedAbort(what: string, signal: AbortSignal) {
  return abortedError('client', `${what} (waiting for a request slot)`, signal.reason)
}

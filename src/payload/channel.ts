/**
 * A bounded hand-off from one producer to one consumer, the seam between a task that makes items (packaging
 * writing change files) and an async iteration that takes them (an upload loop).
 *
 * - Backpressure: `send` resolves only once fewer than `capacity` items wait, so the producer never runs more
 *   than `capacity` items ahead of the consumer; nothing is buffered beyond that.
 * - Producer → consumer: `close()` ends the iteration after the waiting items; `fail(error)` makes the
 *   iteration throw `error` after the waiting items.
 * - Consumer → producer: when the iteration ends early (break, return, a throw in the loop body), `signal`
 *   aborts and every pending or later `send` resolves `false` at once, so the producer stops and cleans up.
 *   Items still waiting are dropped: their owner (the producer) disposes of them.
 */
export class Channel<T> {
  readonly #capacity: number
  readonly #items: T[] = []
  readonly #stop = new AbortController()
  #ended: { error: unknown } | 'closed' | undefined
  #receiving = false
  /** Wakes the consumer waiting for an item or the end. */
  #itemReady: (() => void) | undefined
  /** Wake the producers waiting for room. */
  #roomReady: (() => void)[] = []

  constructor(capacity = 1) {
    if (!Number.isSafeInteger(capacity) || capacity < 1)
      throw new Error(`channel: capacity must be ≥ 1, got ${capacity}`)
    this.#capacity = capacity
  }

  /** Aborted when the consumer stops before the end (with the reason given to `cancel`, if any). */
  get signal(): AbortSignal {
    return this.#stop.signal
  }

  /** Items waiting for the consumer. */
  get size(): number {
    return this.#items.length
  }

  /** Hands `item` over; resolves `true` once there is room again, `false` if the consumer is gone (item dropped). */
  async send(item: T): Promise<boolean> {
    if (this.#ended) throw new Error('channel: send after close or fail')
    if (this.#stop.signal.aborted) return false
    this.#items.push(item)
    this.#wakeConsumer()
    while (this.#items.length >= this.#capacity && !this.#stop.signal.aborted) {
      await new Promise<void>((resolve) => this.#roomReady.push(resolve))
    }
    return !this.#stop.signal.aborted
  }

  /** The producer is done: the consumer gets the waiting items, then the iteration ends. */
  close(): void {
    this.#ended ??= 'closed'
    this.#wakeConsumer()
  }

  /** The producer failed: the consumer gets the waiting items, then `error` is thrown to it. */
  fail(error: unknown): void {
    this.#ended ??= { error }
    this.#wakeConsumer()
  }

  /** Stops the hand-off from the consumer side (also done when the iteration ends early). */
  cancel(reason?: unknown): void {
    if (this.#stop.signal.aborted) return
    this.#items.length = 0
    this.#stop.abort(reason)
    this.#wakeProducers()
  }

  /** The consumer's side; one iteration per channel. */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    if (this.#receiving) throw new Error('channel: a channel has one consumer')
    this.#receiving = true
    let completed = false
    try {
      for (;;) {
        if (this.#stop.signal.aborted) return
        if (this.#items.length > 0) {
          const item = this.#items.shift() as T
          this.#wakeProducers()
          yield item
          continue
        }
        const ended = this.#ended
        if (ended === 'closed') {
          completed = true
          return
        }
        if (ended) {
          completed = true
          throw ended.error
        }
        await new Promise<void>((resolve) => {
          this.#itemReady = resolve
        })
      }
    } finally {
      if (!completed) this.cancel()
    }
  }

  #wakeConsumer(): void {
    const wake = this.#itemReady
    this.#itemReady = undefined
    wake?.()
  }

  #wakeProducers(): void {
    const waiting = this.#roomReady
    this.#roomReady = []
    for (const wake of waiting) wake()
  }
}

import { setImmediate as tick } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { Channel } from '../../../src/payload/channel.js'

/** A producer sending 0..n-1 (then closing), recording how far it got and how it ended. */
function produce(channel: Channel<number>, n: number) {
  const state = { sent: 0, refused: 0, done: false }
  const running = (async () => {
    for (let i = 0; i < n; i++) {
      if (!(await channel.send(i))) {
        state.refused++
        break
      }
      state.sent++
    }
    state.done = true
    channel.close()
  })()
  return { state, running }
}

describe('Channel', () => {
  it('hands every item over in order, then ends', async () => {
    const channel = new Channel<number>(2)
    const { running } = produce(channel, 50)
    const got: number[] = []
    for await (const x of channel) got.push(x)
    await running
    expect(got).toEqual(Array.from({ length: 50 }, (_, i) => i))
  })

  it('never lets the producer run more than capacity items ahead (no unbounded buffering)', async () => {
    for (const capacity of [1, 3]) {
      const channel = new Channel<number>(capacity)
      const { state, running } = produce(channel, 100)
      const iterator = channel[Symbol.asyncIterator]()
      let taken = 0
      for (let round = 0; round < 5; round++) {
        for (let i = 0; i < 10; i++) await tick() // give the producer every chance to run ahead
        expect(channel.size).toBeLessThanOrEqual(capacity)
        // The producer is blocked in its capacity-th send: items taken + waiting, nothing more.
        expect(state.sent).toBe(taken + capacity - 1)
        expect((await iterator.next()).value).toBe(taken)
        taken++
      }
      await iterator.return()
      await running
    }
  })

  it("a producer's error reaches the consumer after the items sent before it", async () => {
    const channel = new Channel<number>(1)
    const boom = new Error('boom')
    void (async () => {
      await channel.send(1)
      await channel.send(2)
      channel.fail(boom)
    })()
    const got: number[] = []
    await expect(
      (async () => {
        for await (const x of channel) got.push(x)
      })(),
    ).rejects.toBe(boom)
    expect(got).toEqual([1, 2])
  })

  it('a consumer that breaks stops the producer: its send resolves false and the signal aborts', async () => {
    const channel = new Channel<number>(1)
    const { state, running } = produce(channel, 1_000)
    for await (const x of channel) if (x === 3) break
    await running
    expect(channel.signal.aborted).toBe(true)
    expect(state).toEqual({ sent: 4, refused: 1, done: true })
    expect(channel.size).toBe(0) // waiting items are dropped for their owner to dispose of
  })

  it('a consumer that throws in the loop body stops the producer too', async () => {
    const channel = new Channel<number>(1)
    const { state, running } = produce(channel, 1_000)
    await expect(
      (async () => {
        for await (const x of channel) if (x === 1) throw new Error('consumer failed')
      })(),
    ).rejects.toThrow('consumer failed')
    await running
    expect(channel.signal.aborted).toBe(true)
    expect(state.refused).toBe(1)
    expect(state.sent).toBeLessThan(4)
  })

  it('a finished iteration does not abort; a send after cancel is refused at once', async () => {
    const done = new Channel<number>(1)
    const { running } = produce(done, 3)
    for await (const _ of done);
    await running
    expect(done.signal.aborted).toBe(false)

    const cancelled = new Channel<number>(1)
    cancelled.cancel(new Error('stop'))
    expect(await cancelled.send(1)).toBe(false)
    expect(cancelled.signal.reason).toEqual(new Error('stop'))
  })

  it('an error after cancel is not delivered (the consumer left)', async () => {
    const channel = new Channel<number>(1)
    const iterator = channel[Symbol.asyncIterator]()
    void channel.send(1)
    expect((await iterator.next()).value).toBe(1)
    await iterator.return()
    channel.fail(new Error('late'))
    expect(await iterator.next()).toEqual({ done: true, value: undefined })
  })

  it('refuses a second consumer, a zero capacity, and sending after close', async () => {
    expect(() => new Channel(0)).toThrow(/capacity/)
    const channel = new Channel<number>(1)
    const first = channel[Symbol.asyncIterator]()
    void first.next()
    await expect(channel[Symbol.asyncIterator]().next()).rejects.toThrow(/one consumer/)
    channel.close()
    await expect(channel.send(1)).rejects.toThrow(/after close/)
  })
})

import { ByteWriter } from 'hyparquet-writer'
import type { PayloadSink } from '../payload-format.js'

/**
 * A byte buffer (hyparquet-writer's public ByteWriter) holding only the bytes not yet on disk.
 * `offset` counts every byte of the file; `index` is the end of the pending bytes. It lets the
 * encoder decide after each row group whether to commit it (async write) or roll it back because
 * the finished file would exceed the limit.
 */
export class PendingBytes extends ByteWriter {
  /** Forgets everything written after `offset` (which must not be committed yet). */
  rollback(offset: number): void {
    this.index -= this.offset - offset
    this.offset = offset
  }

  #writing: Promise<void> = Promise.resolve()
  /** The buffer of the write in flight: free again once `#writing` settles. */
  #spare: ArrayBuffer | undefined

  /**
   * Waits for the previous write, then hands the pending bytes to the sink without waiting for this
   * one: reading rows goes on while the disk works. At most one write is in flight and two buffers
   * take turns, so memory stays flat however slow the disk. A failure surfaces at the next call.
   */
  async commitBehind(sink: PayloadSink): Promise<void> {
    await this.#writing
    if (this.index === 0) return
    const bytes = new Uint8Array(this.buffer, 0, this.index)
    const next =
      this.#spare && this.#spare.byteLength >= this.buffer.byteLength
        ? this.#spare
        : new ArrayBuffer(this.buffer.byteLength)
    this.#spare = this.buffer
    this.buffer = next
    this.view = new DataView(next)
    this.index = 0
    this.#writing = sink.write(bytes)
    this.#writing.catch(() => {}) // observed by the next call; never an unhandled rejection on cleanup
  }

  /** Writes the pending bytes and waits until every write is on disk. */
  async commit(sink: PayloadSink): Promise<void> {
    await this.commitBehind(sink)
    await this.#writing
  }
}

import { asciiCheckThread } from './ascii-check-thread.js'

/** Spans at least this large lie in shared memory and have their text pages proven on the thread (smaller ones are not worth a message). */
export const SHARED_SPAN_BYTES = 64 * 1024

/**
 * Shared buffers that no input is using, kept for the next one. A SharedArrayBuffer that reached the
 * proving thread stays referenced there until that thread collects garbage, which an idle thread
 * rarely does: fresh shared buffers for every input would pile up there, reused ones do not.
 */
const spare: Uint8Array[] = []
const MAX_SPARE = 4

const isShared = (buffer: Uint8Array) => buffer.buffer instanceof SharedArrayBuffer

function keepSpare(buffer: Uint8Array | undefined): void {
  if (buffer && isShared(buffer) && spare.length < MAX_SPARE) spare.push(buffer)
}

function takeSpare(length: number): Uint8Array | undefined {
  const k = spare.findIndex((buffer) => buffer.length >= length)
  return k < 0 ? undefined : spare.splice(k, 1)[0]
}

/**
 * Memory for the spans of one input's row groups, reused: a fresh buffer per group is garbage the size
 * of the input, and collecting it cost more than copying the bytes. Two take turns, because one group is
 * read ahead while the one before it is written; a group's bytes are written before the group after next
 * is read. A large span lies in shared memory, so that the thread proving its text pages reads it in place.
 */
export class SpanBuffers {
  readonly #buffers: (Uint8Array | undefined)[] = [undefined, undefined]

  /** `length` bytes of the buffer for group `k` (its previous contents are dead). */
  take(k: number, length: number): Uint8Array {
    const slot = k % 2
    const shared = length >= SHARED_SPAN_BYTES && asciiCheckThread() !== undefined
    let buffer = this.#buffers[slot]
    if (!buffer || buffer.length < length || isShared(buffer) !== shared) {
      keepSpare(buffer)
      buffer = shared
        ? (takeSpare(length) ?? new Uint8Array(new SharedArrayBuffer(Math.max(length, 2 * (buffer?.length ?? 0)))))
        : new Uint8Array(length)
      this.#buffers[slot] = buffer
    }
    return buffer.subarray(0, length)
  }

  /** The input is done (every read ended, every span written): its shared buffers go back for the next input. */
  release(): void {
    for (const buffer of this.#buffers) keepSpare(buffer)
    this.#buffers.fill(undefined)
  }
}

import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { deserialize, serialize } from 'node:v8'

/**
 * Spills rows to disk, split into partitions by a hash of their key, so that two large inputs can
 * be compared or compacted one partition at a time with bounded memory. Records are length-prefixed
 * v8-serialized values, which keep bigint, Date and every other JS value used by rows exactly.
 */
export class PartitionSpool implements AsyncDisposable {
  private readonly streams: WriteStream[] = []
  private constructor(
    readonly dir: string,
    readonly partitions: number,
  ) {
    for (let p = 0; p < partitions; p++) this.streams.push(createWriteStream(join(dir, `${p}.bin`)))
  }

  static async create(partitions = 64, parent = tmpdir()): Promise<PartitionSpool> {
    return new PartitionSpool(await mkdtemp(join(parent, 'hyperdelta-spool-')), partitions)
  }

  /** The partition of a key (a stable string built from the key columns). */
  partitionOf(key: string): number {
    return createHash('md5').update(key).digest().readUInt32LE(0) % this.partitions
  }

  /** Appends a record to the key's partition, waiting for the disk when its buffer is full. */
  async write(key: string, record: unknown): Promise<void> {
    const body = serialize(record)
    const header = Buffer.allocUnsafe(4)
    header.writeUInt32LE(body.length, 0)
    const stream = this.streams[this.partitionOf(key)]!
    const ok = stream.write(header) && stream.write(body)
    if (!ok) await once(stream, 'drain')
  }

  /** Flushes and closes every partition file. Call once, before reading. */
  async finish(): Promise<void> {
    await Promise.all(
      this.streams.map(
        (s) => new Promise<void>((resolve, reject) => s.end((e?: Error | null) => (e ? reject(e) : resolve()))),
      ),
    )
  }

  /** Records of one partition, in write order. */
  async *read<T>(partition: number): AsyncGenerator<T> {
    let pending: Buffer = Buffer.alloc(0)
    for await (const chunk of createReadStream(join(this.dir, `${partition}.bin`))) {
      pending = pending.length ? Buffer.concat([pending, chunk as Buffer]) : (chunk as Buffer)
      let offset = 0
      while (pending.length - offset >= 4) {
        const size = pending.readUInt32LE(offset)
        if (pending.length - offset - 4 < size) break
        yield deserialize(pending.subarray(offset + 4, offset + 4 + size)) as T
        offset += 4 + size
      }
      pending = pending.subarray(offset)
    }
  }

  async dispose(): Promise<void> {
    for (const s of this.streams) s.destroy()
    await rm(this.dir, { recursive: true, force: true })
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose()
  }
}

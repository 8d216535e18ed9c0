import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { HyperdeltaError } from '../../src/index.js'

/** A watermark: the highest ordering value already pushed. bigint and Date survive the JSON round trip. */
export type Watermark = bigint | number | string | Date

interface StoredWatermark {
  type: 'bigint' | 'number' | 'string' | 'date'
  value: string
  runId: string
  updatedAt: string
}

function encode(value: Watermark): Pick<StoredWatermark, 'type' | 'value'> {
  if (typeof value === 'bigint') return { type: 'bigint', value: value.toString() }
  if (value instanceof Date) return { type: 'date', value: value.toISOString() }
  if (typeof value === 'number') return { type: 'number', value: String(value) }
  return { type: 'string', value }
}

function decode(stored: StoredWatermark): Watermark {
  switch (stored.type) {
    case 'bigint':
      return BigInt(stored.value)
    case 'date':
      return new Date(stored.value)
    case 'number':
      return Number(stored.value)
    default:
      return stored.value
  }
}

/**
 * A JSON file of watermarks, one per pipeline name, so tomorrow's run starts where today's ended.
 * Written atomically (temp file + rename) and only after a run succeeded.
 *
 * @example
 * ```ts
 * const store = new WatermarkStore('.hyperdelta/watermarks.json')
 * const since = await store.get('orders')      // undefined on the first night
 * await store.set('orders', 1234n, 'orders-2026-11-22')
 * ```
 */
export class WatermarkStore {
  constructor(readonly path: string) {}

  private async readAll(): Promise<Record<string, StoredWatermark>> {
    try {
      return JSON.parse(await readFile(this.path, 'utf8')) as Record<string, StoredWatermark>
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {}
      throw new HyperdeltaError(
        'WATERMARK_INVALID',
        `watermark: cannot read ${this.path}: ${(error as Error).message}`,
        {
          cause: error,
        },
      )
    }
  }

  async get(name: string): Promise<Watermark | undefined> {
    const stored = (await this.readAll())[name]
    return stored ? decode(stored) : undefined
  }

  /** Stores `value` as the watermark of `name`, stamped with `runId` and `updatedAt` (default: now). */
  async set(name: string, value: Watermark, runId: string, updatedAt: Date = new Date()): Promise<void> {
    const all = await this.readAll()
    all[name] = { ...encode(value), runId, updatedAt: updatedAt.toISOString() }
    await mkdir(dirname(this.path), { recursive: true })
    const temp = `${this.path}.${process.pid}.tmp`
    await writeFile(temp, `${JSON.stringify(all, null, 2)}\n`)
    await rename(temp, this.path)
  }
}

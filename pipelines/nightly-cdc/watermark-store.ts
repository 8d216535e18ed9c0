import { mkdir, readFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { HyperdeltaError, writeFileAtomic } from '../../src/index.js'

/** A watermark: the highest ordering value already pushed. bigint and Date survive the JSON round trip. */
export type Watermark = bigint | number | string | Date

interface StoredWatermark {
  type: 'bigint' | 'number' | 'string' | 'date'
  value: string
  runId: string
  updatedAt: string
}

function encode(value: Watermark): Pick<StoredWatermark, 'type' | 'value'> | undefined {
  if (typeof value === 'bigint') return { type: 'bigint', value: value.toString() }
  if (value instanceof Date)
    return Number.isFinite(value.getTime()) ? { type: 'date', value: value.toISOString() } : undefined
  if (typeof value === 'number') return Number.isFinite(value) ? { type: 'number', value: String(value) } : undefined
  return typeof value === 'string' ? { type: 'string', value } : undefined
}

/**
 * The stored watermark, exactly as it was set, or undefined when the entry is not one `encode` writes:
 * a value that does not read back to the same text (a hand-edited `"1e3"`, a rounded number, an invalid
 * date) would move the next night's start.
 */
function decode(stored: unknown): Watermark | undefined {
  if (typeof stored !== 'object' || stored === null) return undefined
  const { type, value } = stored as Partial<StoredWatermark>
  if (typeof value !== 'string') return undefined
  switch (type) {
    case 'bigint':
      return /^-?\d+$/.test(value) && BigInt(value).toString() === value ? BigInt(value) : undefined
    case 'number':
      return String(Number(value)) === value && Number.isFinite(Number(value)) ? Number(value) : undefined
    case 'date': {
      const date = new Date(value)
      return Number.isFinite(date.getTime()) && date.toISOString() === value ? date : undefined
    }
    case 'string':
      return value
    default:
      return undefined
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

  private invalid(message: string, name?: string, cause?: unknown): HyperdeltaError {
    return new HyperdeltaError('WATERMARK_INVALID', `watermark: ${this.path}: ${message}`, {
      cause,
      details: { path: this.path, ...(name !== undefined && { name }) },
    })
  }

  private async readAll(): Promise<Record<string, unknown>> {
    let all: unknown
    try {
      all = JSON.parse(await readFile(this.path, 'utf8'))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {}
      throw new HyperdeltaError(
        'WATERMARK_INVALID',
        `watermark: cannot read ${this.path}: ${(error as Error).message}`,
        { cause: error, details: { path: this.path } },
      )
    }
    if (typeof all !== 'object' || all === null || Array.isArray(all)) {
      throw this.invalid('not an object of watermarks by pipeline name')
    }
    return all as Record<string, unknown>
  }

  async get(name: string): Promise<Watermark | undefined> {
    const all = await this.readAll()
    if (!Object.hasOwn(all, name)) return undefined
    const value = decode(all[name])
    if (value === undefined) {
      throw this.invalid(
        `the watermark of "${name}" is not one this store writes ({ "type": "bigint" | "number" | "string" | "date", "value": its exact text })`,
        name,
      )
    }
    return value
  }

  /** Stores `value` as the watermark of `name`, stamped with `runId` and `updatedAt` (default: now). */
  async set(name: string, value: Watermark, runId: string, updatedAt: Date = new Date()): Promise<void> {
    const encoded = encode(value)
    if (encoded === undefined) throw this.invalid(`cannot store ${String(value)} as the watermark of "${name}"`, name)
    const all = await this.readAll()
    all[name] = { ...encoded, runId, updatedAt: updatedAt.toISOString() }
    await mkdir(dirname(this.path), { recursive: true })
    await writeFileAtomic(this.path, `${JSON.stringify(all, null, 2)}\n`)
  }
}

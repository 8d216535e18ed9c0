import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { resolve } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { isParquetSource, parquetPaths, type RowSource } from './cdc-input.js'
import type { Watermark } from './watermark-store.js'

/** A Parquet input as its absolute path and the sha256 of its bytes; rows given in memory as what they are. */
async function sourceIdentity(source: RowSource): Promise<unknown> {
  if (!isParquetSource(source)) return 'rows'
  const files: Array<[string, string]> = []
  for (const path of parquetPaths(source)) {
    const hash = createHash('sha256')
    await pipeline(createReadStream(path), hash)
    files.push([resolve(path), hash.digest('hex')])
  }
  return files
}

const watermarkText = (w: Watermark | undefined): string | null =>
  w === undefined ? null : w instanceof Date ? `date:${w.toISOString()}` : `${typeof w}:${String(w)}`

/**
 * What identifies a CDC night besides its change rows: the snapshot pair (paths and content) or the change
 * log (paths and content) with the watermark it starts after. Part of the default run id, so two nights whose
 * diffs happen to be equal (a value that flips back) are two runs, while a rerun of one night is the same run.
 * Not the date: several nights pushed on one day are distinct, one night rerun tomorrow is not.
 */
export async function cdcRunInputs(
  source:
    | { snapshots: { previous: RowSource; current: RowSource } }
    | { changeLog: RowSource; orderColumn: string; opColumn?: string },
  since: Watermark | undefined,
): Promise<string> {
  if ('snapshots' in source) {
    return JSON.stringify([
      'snapshots',
      await sourceIdentity(source.snapshots.previous),
      await sourceIdentity(source.snapshots.current),
    ])
  }
  return JSON.stringify([
    'change-log',
    await sourceIdentity(source.changeLog),
    source.orderColumn,
    source.opColumn ?? null,
    watermarkText(since),
  ])
}

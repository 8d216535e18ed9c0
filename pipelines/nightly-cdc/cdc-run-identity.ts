import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { resolve } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { RowSource } from './cdc-input.js'
import type { Watermark } from './watermark-store.js'

/** Each Parquet input as its files' absolute paths and the sha256 of their bytes (inputs given as rows: none). */
async function inputsIdentity(inputs: ReadonlyMap<string, readonly string[]>): Promise<unknown> {
  const identity: Array<[string, Array<[string, string]>]> = []
  for (const [what, paths] of [...inputs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const files: Array<[string, string]> = []
    for (const path of paths) {
      const hash = createHash('sha256')
      await pipeline(createReadStream(path), hash)
      files.push([resolve(path), hash.digest('hex')])
    }
    identity.push([what, files])
  }
  return identity
}

const watermarkText = (w: Watermark | undefined): string | null =>
  w === undefined ? null : w instanceof Date ? `date:${w.toISOString()}` : `${typeof w}:${String(w)}`

/**
 * What identifies a CDC night besides its change rows: the snapshot pair (the files read, globs expanded, and
 * their content) or the change log (likewise) with the watermark it starts after. Part of the default run id, so
 * two nights whose diffs happen to be equal (a value that flips back) are two runs, while a rerun of one night is
 * the same run.
 * Not the date: several nights pushed on one day are distinct, one night rerun tomorrow is not.
 */
export async function cdcRunInputs(
  source:
    | { snapshots: { previous: RowSource; current: RowSource } }
    | { changeLog: RowSource; orderColumn: string; opColumn?: string },
  inputs: ReadonlyMap<string, readonly string[]>,
  since: Watermark | undefined,
): Promise<string> {
  if ('snapshots' in source) return JSON.stringify(['snapshots', await inputsIdentity(inputs)])
  return JSON.stringify([
    'change-log',
    await inputsIdentity(inputs),
    source.orderColumn,
    source.opColumn ?? null,
    watermarkText(since),
  ])
}

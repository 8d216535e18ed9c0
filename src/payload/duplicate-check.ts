import type { HyperdeltaError } from '../errors.js'
import type { Table } from '../schema/define-table.js'
import type { NormalizedValue } from '../schema/values.js'
import { type DuplicateKey, DuplicateKeyTracker, type TrackedFile } from './duplicate-keys.js'
import { type PayloadErrorCode, payloadError } from './payload-errors.js'
import type { PayloadFormat, RowBatch } from './payload-format.js'

/** Distinct duplicate-key candidates collected before checking them in 'error' mode. */
export const ERROR_CANDIDATES = 16
/** Duplicates listed in a PAYLOAD_DUPLICATE_KEYS error. */
export const LISTED_DUPLICATES = 10

/**
 * The duplicate-key policy of a packaging run over a {@link DuplicateKeyTracker}: in 'error' mode candidates are
 * verified as soon as a few have gathered (so the error comes early and the candidate set stays small) and a
 * real duplicate throws PAYLOAD_DUPLICATE_KEYS; in 'keep-last' mode they are verified once at the end and turned
 * into the input rows to drop.
 */
export class DuplicateCheck {
  readonly table: Table
  readonly keys: readonly string[]
  readonly keepLast: boolean
  readonly #tracker: DuplicateKeyTracker

  constructor(table: Table, keys: readonly string[], mode: 'error' | 'keep-last') {
    this.table = table
    this.keys = keys
    this.keepLast = mode === 'keep-last'
    this.#tracker = new DuplicateKeyTracker(table, keys)
  }

  /** Records the keys of a batch (rows numbered by `batch.rowIndexes`). */
  observe(batch: RowBatch): void {
    this.#tracker.observe(batch)
  }

  /** 'error' mode has gathered enough candidates to verify them now. */
  get due(): boolean {
    return !this.keepLast && this.#tracker.candidates >= ERROR_CANDIDATES
  }

  /** Some key was seen twice (by hash) and is not verified yet. */
  get pending(): boolean {
    return this.#tracker.candidates > 0
  }

  /** Verifies the candidates against the written files: throws on a real duplicate, else forgets them. */
  async verify(files: readonly TrackedFile[], format: PayloadFormat): Promise<void> {
    const duplicates = await this.#tracker.resolve(files, format)
    if (duplicates.length > 0) throw duplicateError(this.table, this.keys, duplicates)
    this.#tracker.clearCandidates() // every candidate was a hash collision
  }

  /** keep-last: every input row holding a key that occurs again later. */
  async rowsToDrop(files: readonly TrackedFile[], format: PayloadFormat): Promise<Set<number>> {
    const dropped = new Set<number>()
    for (const d of await this.#tracker.resolve(files, format)) for (const row of d.rows.slice(0, -1)) dropped.add(row)
    return dropped
  }
}

function jsonValue(v: NormalizedValue): unknown {
  return typeof v === 'bigint' ? v.toString() : v
}

function duplicateError(
  table: Table,
  keys: readonly string[],
  duplicates: readonly DuplicateKey[],
): HyperdeltaError<PayloadErrorCode> {
  const listed = duplicates.slice(0, LISTED_DUPLICATES).map((d) => ({
    key: Object.fromEntries(keys.map((k, j) => [k, jsonValue(d.key[j] ?? null)])),
    rows: d.rows,
  }))
  const text = listed
    .map((d) => `${JSON.stringify(d.key)} at rows ${d.rows.join(', ')}`)
    .slice(0, 3)
    .join('; ')
  return payloadError(
    'PAYLOAD_DUPLICATE_KEYS',
    `${table.name} has duplicate keys on (${keys.join(', ')}): ${text}${listed.length > 3 ? '; …' : ''} (use duplicateKeys: 'keep-last' to keep the last occurrence)`,
    { table: table.name, keys, duplicates: listed },
  )
}

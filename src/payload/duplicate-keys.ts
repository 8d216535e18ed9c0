import type { ColumnType } from '../schema/column-types.js'
import type { Table } from '../schema/define-table.js'
import { InvalidValue, type NormalizedValue, normalizeValue } from '../schema/values.js'
import { KeyHasher, keyString } from './key-hash.js'
import { KeyHashSet } from './key-hash-set.js'
import { type PayloadFormat, type RowBatch, valueAt } from './payload-format.js'

/** One key that occurs more than once: its values and the input indexes of every occurrence. */
export interface DuplicateKey {
  readonly key: readonly NormalizedValue[]
  readonly rows: readonly number[]
}

/** A written file as the tracker needs it: its rows are input rows [firstRow, firstRow + rows). */
export interface TrackedFile {
  readonly path: string
  readonly firstRow: number
  readonly rows: number
}

/**
 * Finds duplicate keys across a whole change set without holding it: every row's key tuple is
 * reduced to a 64-bit hash kept in a {@link KeyHashSet} (~15 bytes per row on average, 23 at most).
 * A repeated hash only makes the key a candidate; candidates are verified exactly by reading the
 * key columns back from the written files and comparing the values themselves.
 * Keys follow SQL: a key with a NULL component equals no other key (NULL = NULL is not true), so
 * such rows are never duplicates, never reported and never dropped by `keep-last`.
 */
export class DuplicateKeyTracker {
  readonly #table: Table
  readonly #keys: readonly string[]
  readonly #keyIndexes: readonly number[]
  readonly #keyTypes: readonly ColumnType[]
  readonly #seen = new KeyHashSet()
  #candidates = new KeyHashSet()
  readonly #hasher = new KeyHasher()

  constructor(table: Table, keys: readonly string[]) {
    this.#table = table
    this.#keys = keys
    this.#keyIndexes = keys.map((k) => table.columnNames.indexOf(k))
    this.#keyTypes = keys.map((k) => table.columns[k]!)
  }

  /** Number of distinct hashes seen more than once since the last {@link clearCandidates}. */
  get candidates(): number {
    return this.#candidates.size
  }

  /** Bytes held by the hash sets. */
  get bytes(): number {
    return this.#seen.bytes + this.#candidates.bytes
  }

  /** Records the keys of a batch. */
  observe(batch: RowBatch): void {
    const hasher = this.#hasher
    const columns = this.#keyIndexes.map((j) => batch.columns[j]!)
    rows: for (let i = 0; i < batch.length; i++) {
      hasher.reset()
      for (const column of columns) {
        const value = valueAt(column, i)
        // SQL keys: NULL equals nothing, not even another NULL, so such a row never duplicates one.
        if (value === null) continue rows
        hasher.push(value)
      }
      hasher.digest()
      if (!this.#seen.add(hasher.hi, hasher.lo)) this.#candidates.add(hasher.hi, hasher.lo)
    }
  }

  clearCandidates(): void {
    this.#candidates = new KeyHashSet()
  }

  /** Reads the key columns of `files` back and returns the candidate keys that really repeat, by first row. */
  async resolve(files: readonly TrackedFile[], format: PayloadFormat): Promise<DuplicateKey[]> {
    const groups = new Map<string, { key: NormalizedValue[]; rows: number[] }>()
    const hasher = this.#hasher
    for (const file of files) {
      let row = file.firstRow
      for await (const chunk of format.readBack(file.path, this.#table, this.#keys)) {
        for (const record of chunk) {
          const key = this.#keys.map((k, j) => {
            const v = normalizeValue(this.#keyTypes[j]!, record[k])
            return v instanceof InvalidValue ? null : v
          })
          if (key.includes(null)) {
            row++
            continue
          }
          hasher.reset()
          for (const v of key) hasher.push(v)
          hasher.digest()
          if (this.#candidates.has(hasher.hi, hasher.lo)) {
            const id = keyString(key)
            const group = groups.get(id)
            if (group) group.rows.push(row)
            else groups.set(id, { key, rows: [row] })
          }
          row++
        }
      }
    }
    return [...groups.values()].filter((g) => g.rows.length > 1).sort((a, b) => a.rows[1]! - b.rows[1]!)
  }
}

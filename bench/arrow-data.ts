/**
 * The bench change set (see bench-data.ts) as apache-arrow RecordBatches, built from typed arrays the
 * way an Arrow producer hands them over: int64 and timestamp values, UTF-8 offsets and bytes, a
 * validity-free bool bitmap.
 */
import * as arrow from 'apache-arrow'

const BASE_MICROS = 1_700_000_000_000_000n
const BATCH_ROWS = 65_536

function batch(from: number, n: number): arrow.RecordBatch {
  const ids = new BigInt64Array(n)
  const amounts = new Float64Array(n)
  const times = new BigInt64Array(n)
  const flags = new Uint8Array((n + 7) >>> 3)
  const offsets = new Int32Array(n + 1)
  const bytes = new Uint8Array(n * 20)
  for (let k = 0; k < n; k++) {
    const i = from + k
    ids[k] = BigInt(i)
    amounts[k] = (i % 10_000) / 100
    times[k] = BASE_MICROS + BigInt(i) * 1_000_003n
    if ((i & 1) === 0) flags[k >>> 3]! |= 1 << (k & 7)
    // `c0` + the row number padded to 18 digits: 20 ASCII bytes.
    const at = k * 20
    bytes[at] = 0x63
    bytes[at + 1] = 0x30
    let v = i
    for (let d = 19; d >= 2; d--) {
      bytes[at + d] = 0x30 + (v % 10)
      v = Math.floor(v / 10)
    }
    offsets[k + 1] = at + 20
  }
  const children = [
    arrow.makeData({ type: new arrow.Int64(), length: n, data: ids }),
    arrow.makeData({ type: new arrow.Utf8(), length: n, valueOffsets: offsets, data: bytes }),
    arrow.makeData({ type: new arrow.Float64(), length: n, data: amounts }),
    arrow.makeData({ type: new arrow.TimestampMicrosecond('UTC'), length: n, data: times }),
    arrow.makeData({ type: new arrow.Bool(), length: n, data: flags }),
  ]
  const schema = new arrow.Schema(
    ['id', 'name', 'amount', 'updated_at', 'flag'].map((name, j) => new arrow.Field(name, children[j]!.type, false)),
  )
  const struct = arrow.makeData({ type: new arrow.Struct(schema.fields), length: n, children })
  return new arrow.RecordBatch(schema, struct)
}

/** Rows `from … from+count-1` as RecordBatches, one produced at a time. */
export function* arrowBenchBatches(from: number, count: number): Generator<arrow.RecordBatch> {
  for (let start = from; start < from + count; start += BATCH_ROWS) {
    yield batch(start, Math.min(BATCH_ROWS, from + count - start))
  }
}

/** The same rows as one Table (all in memory). */
export async function arrowBenchTable(count: number): Promise<arrow.Table> {
  return new arrow.Table([...arrowBenchBatches(0, count)])
}

const BASE_MS = 1_700_000_000_000

/**
 * The same change set as users build it with `tableFromArrays`: ids in a BigInt64Array, text from a JS
 * array (apache-arrow makes it dictionary-encoded), a Float64Array, `Date`s (a millisecond Timestamp)
 * and booleans. Timestamps are whole milliseconds here (a Date holds no more).
 */
export function arrowFromArraysTable(count: number): arrow.Table {
  const id = new BigInt64Array(count)
  const name = new Array<string>(count)
  const amount = new Float64Array(count)
  const updatedAt = new Array<Date>(count)
  const flag = new Array<boolean>(count)
  for (let i = 0; i < count; i++) {
    id[i] = BigInt(i)
    name[i] = `c0${String(i).padStart(18, '0')}`
    amount[i] = (i % 10_000) / 100
    updatedAt[i] = new Date(BASE_MS + i * 1001)
    flag[i] = (i & 1) === 0
  }
  return arrow.tableFromArrays({ id, name, amount, updated_at: updatedAt, flag })
}

import type { SchemaElement } from 'hyparquet'
import type { ColumnType } from '../../schema/column-types.js'
import type { Table } from '../../schema/define-table.js'
import { readParquetRowGroups } from '../from-parquet.js'
import { payloadError } from '../payload-errors.js'
import type { PayloadEncoder, PayloadEncoderContext, PayloadFormat, PayloadSink, RowBatch } from '../payload-format.js'
import { TextColumn } from '../text-column.js'
import { compressGroup, compressGroupSync, defaultCompressionThreads, OutputBuffers } from './compression-pool.js'
import { appendGeneralGroup } from './parquet-general.js'
import { FooterBuilder, type GroupLayout, type LeafSchema, MAGIC, tableLeaves } from './parquet-metadata.js'
import { appendRowGroup, type EncodedRowGroup, encodeRowGroup } from './parquet-pages.js'
import { parquetSchema } from './parquet-schema.js'
import { PendingBytes } from './pending-bytes.js'
import { resolveSnappy, type SnappyChoice, type SnappyImplementation } from './snappy.js'

interface OpenFile {
  readonly sink: PayloadSink
  readonly out: PendingBytes
  readonly footer: FooterBuilder
  rows: number
  firstRow: number
  /** Size of the file if it were finished now (written bytes + footer), exact. */
  size: number
}

export interface ParquetFormatOptions {
  /**
   * Write min/max/null-count statistics per column chunk (default false: change files are read whole).
   * With statistics, row groups are written by hyparquet-writer's general path, which is several
   * times slower than the default, and Parquet inputs are re-encoded rather than spliced.
   */
  readonly statistics?: boolean
  /**
   * Worker threads that compress pages while the calling thread reads and encodes the next rows
   * (default: one per core beyond the first, at most 3; 0 compresses on the calling thread). The
   * files are byte-identical either way. Small row groups are always compressed in place.
   */
  readonly compressionThreads?: number
  /**
   * SNAPPY implementation: `native` (the optional dependency `snappy`, faster: bench/results.md), `js`
   * (snappyjs), or `auto` (default: native where it installed and loads, else js). Both write
   * standard SNAPPY that every Parquet reader decodes; the bytes may differ slightly between them.
   * `native` where it does not load is a PAYLOAD_OPTIONS_INVALID error.
   */
  readonly snappy?: SnappyChoice
}

/** Row groups encoded ahead of the one being placed in a file (bounds memory held in flight). */
const GROUPS_IN_FLIGHT = 2
/** Bytes of kept row groups held before they are written to the file (rollback only needs the last group). */
const COMMIT_BYTES = 4 << 20
/** Row groups smaller than this (PLAIN bytes) are compressed in place: a worker round trip costs more. */
const WORKER_MIN_BYTES = 64 << 10

function plainBytes(group: EncodedRowGroup): number {
  let bytes = 0
  for (const pages of group.columns) for (const page of pages) bytes += page.plainBytes
  return bytes
}

interface InFlight {
  readonly batch: RowBatch
  readonly group: Promise<EncodedRowGroup>
}

/**
 * Change files as Parquet (SNAPPY, data page v2). Each row group is encoded, the size of the
 * finished file (footer included) is bounded — exactly once the file nears the limit — and the group
 * is kept only if the file stays within the limit; otherwise it is rolled back and cut on a row
 * boundary into the next file. The limit therefore holds for any data, not only on average.
 */
class ParquetEncoder implements PayloadEncoder {
  readonly #context: PayloadEncoderContext
  readonly #schema: SchemaElement[]
  readonly #leaves: readonly LeafSchema[]
  readonly #names: readonly string[]
  readonly #types: readonly ColumnType[]
  readonly #statistics: boolean
  /** Batches written by hyparquet-writer's general path (statistics, or dictionary-worthy text). */
  readonly #general = new WeakSet<RowBatch>()
  readonly #threads: number
  readonly #outputs = new OutputBuffers()
  readonly #snappy: SnappyImplementation
  readonly #inFlight: InFlight[] = []
  #file: OpenFile | undefined

  constructor(context: PayloadEncoderContext, options: ParquetFormatOptions, snappy: SnappyImplementation) {
    this.#context = context
    this.#schema = parquetSchema(context.table)
    this.#leaves = tableLeaves(context.table)
    this.#names = context.table.columnNames
    this.#types = this.#names.map((name) => context.table.columns[name]!)
    this.#statistics = options.statistics ?? false
    this.#threads = options.compressionThreads ?? defaultCompressionThreads()
    this.#snappy = snappy
  }

  /**
   * Encodes the batch as one row group and starts compressing it; groups are placed into files
   * strictly in order, at most GROUPS_IN_FLIGHT behind, so encoding overlaps with compression.
   */
  async write(batch: RowBatch): Promise<void> {
    if (batch.length === 0) return
    if (this.#statistics || this.#prefersDictionary(batch)) {
      this.#general.add(batch)
      while (this.#inFlight.length > 0) await this.#placeNext()
      await this.#append(batch, 0, batch.length)
      batch.release?.()
      return
    }
    const encoded = encodeRowGroup(this.#types, batch.columns, 0, batch.length)
    const threads = plainBytes(encoded) >= WORKER_MIN_BYTES ? this.#threads : 0
    const group = compressGroup(encoded, threads, this.#snappy, this.#outputs)
    group.catch(() => {}) // observed when placed; a failure must not surface as an unhandled rejection first
    this.#inFlight.push({ batch, group })
    while (this.#inFlight.length > GROUPS_IN_FLIGHT) await this.#placeNext()
  }

  /**
   * True when a text column's values repeat enough that a dictionary at least halves it (the rule
   * hyparquet-writer applies): such groups go through its general path, which writes dictionary
   * pages. Repeats further apart than SNAPPY's 64 KB window are otherwise not compressed at all.
   */
  #prefersDictionary(batch: RowBatch): boolean {
    return batch.columns.some((c) => c instanceof TextColumn && c.distinctShare() <= 0.5)
  }

  async #placeNext(): Promise<void> {
    const { batch, group } = this.#inFlight.shift()!
    const compressed = await group
    await this.#append(batch, 0, batch.length, compressed)
    this.#outputs.giveBack(compressed)
    batch.release?.()
  }

  async flush(): Promise<void> {
    while (this.#inFlight.length > 0) await this.#placeNext()
    await this.#finishFile()
  }

  /** Completes the current file (groups still in flight are not placed: they go to later files). */
  async #finishFile(): Promise<void> {
    const file = this.#file
    if (!file) return
    this.#file = undefined
    const expected = file.size
    file.out.appendBytes(file.footer.bytes())
    await file.out.commit(file.sink)
    if (file.sink.bytes !== expected || expected > this.#context.maxBytes) {
      throw payloadError('PAYLOAD_IO', `internal size check failed for ${file.sink.path}`, {
        bytes: file.sink.bytes,
        expected,
        maxBytes: this.#context.maxBytes,
      })
    }
    await this.#context.closeFile(file.sink, file.rows, file.firstRow)
  }

  async #open(): Promise<OpenFile> {
    const sink = await this.#context.openFile()
    const out = new PendingBytes(1 << 20)
    out.appendBytes(MAGIC)
    const footer = new FooterBuilder(this.#leaves)
    const file: OpenFile = { sink, out, footer, rows: 0, firstRow: 0, size: out.offset + footer.length }
    if (file.size > this.#context.maxBytes) {
      throw payloadError('PAYLOAD_ROW_TOO_LARGE', `an empty file already exceeds ${this.#context.maxBytes} bytes`, {
        maxBytes: this.#context.maxBytes,
        bytes: file.size,
      })
    }
    this.#file = file
    return file
  }

  /**
   * Writes rows [start, end) as one row group (`encoded` when given, already compressed); keeps it
   * if the finished file still fits, otherwise rolls it back.
   */
  #tryEncode(
    file: OpenFile,
    batch: RowBatch,
    start: number,
    end: number,
    encoded?: EncodedRowGroup,
  ): { fits: boolean; size: number } {
    const { footer, out } = file
    const offset = out.offset
    let layout: GroupLayout
    if (this.#general.has(batch)) {
      const full = start === 0 && end === batch.length
      const columnData = batch.columns.map((data, j) => ({
        name: this.#names[j]!,
        data:
          data instanceof TextColumn
            ? data.values(start, end)
            : data instanceof Uint8Array
              ? Array.from(data.subarray(start, end), (v) => v === 1)
              : full
                ? data
                : Array.isArray(data)
                  ? data.slice(start, end)
                  : data.subarray(start, end),
      }))
      layout = appendGeneralGroup(out, this.#schema, columnData, end - start, this.#statistics)
    } else {
      const group = encoded ?? compressGroupSync(encodeRowGroup(this.#types, batch.columns, start, end), this.#snappy)
      layout = appendRowGroup(out, group)
    }
    footer.add(layout, offset)
    const size = out.offset + footer.length
    if (size <= this.#context.maxBytes) {
      if (file.rows === 0) file.firstRow = batch.rowIndexes[start]!
      file.rows += end - start
      file.size = size
      return { fits: true, size }
    }
    footer.removeLast(layout.rows)
    out.rollback(offset)
    return { fits: false, size }
  }

  async #append(batch: RowBatch, start: number, end: number, encoded?: EncodedRowGroup): Promise<void> {
    const maxBytes = this.#context.maxBytes
    const file = this.#file ?? (await this.#open())
    const before = file.size
    const attempt = this.#tryEncode(file, batch, start, end, encoded)
    if (attempt.fits) {
      // Kept groups go to disk a few MB at a time, in the background: waiting for the disk stalled
      // reading the rows.
      if (file.out.index >= COMMIT_BYTES) await file.out.commitBehind(file.sink)
      return
    }
    const n = end - start
    // Rows the remaining space would hold if size grew linearly with rows, with a 10 % margin.
    const guess = Math.floor(((n * (maxBytes - before)) / (attempt.size - before)) * 0.9)
    if (file.rows === 0) {
      if (n === 1) {
        const row = batch.rowIndexes[start]!
        throw payloadError(
          'PAYLOAD_ROW_TOO_LARGE',
          `row ${row} of ${this.#context.table.name} needs ${attempt.size} bytes as a file, over the limit of ${maxBytes}`,
          { table: this.#context.table.name, row, bytes: attempt.size, maxBytes },
        )
      }
      const k = Math.min(n - 1, Math.max(1, guess))
      await this.#append(batch, start, start + k)
      await this.#append(batch, start + k, end)
      return
    }
    // Fill what is left of this file with a prefix when the space is worth one more encode.
    let from = start
    if (guess >= 1 && maxBytes - before >= maxBytes / 16) {
      const k = Math.min(n - 1, guess)
      if (this.#tryEncode(file, batch, start, start + k).fits) {
        await file.out.commit(file.sink)
        from = start + k
      }
    }
    await this.#finishFile()
    await this.#append(batch, from, end)
  }
}

/** Formats whose files Parquet inputs' row groups may be spliced into (built-in, no statistics). */
const SPLICING = new WeakSet<PayloadFormat>()

/** True when row groups of Parquet inputs may be copied as bytes into this format's files. */
export function splicesParquet(format: PayloadFormat): boolean {
  return SPLICING.has(format)
}

/**
 * The built-in Parquet change-file format.
 *
 * @example
 * ```ts
 * import { writeChangeFiles } from 'hyperdelta'
 * import { parquetFormat } from 'hyperdelta/format'
 * await using files = await writeChangeFiles(changes, rows, { format: parquetFormat() })
 * ```
 */
export function parquetFormat(options: ParquetFormatOptions = {}): PayloadFormat {
  const threads = options.compressionThreads
  if (threads !== undefined && !(Number.isSafeInteger(threads) && threads >= 0)) {
    throw payloadError('PAYLOAD_OPTIONS_INVALID', `compressionThreads must be a whole number ≥ 0, got ${threads}`, {
      compressionThreads: threads,
    })
  }
  const snappy = resolveSnappy(options.snappy ?? 'auto')
  const format: PayloadFormat = Object.freeze({
    name: 'parquet',
    extension: '.parquet',
    createEncoder: (context: PayloadEncoderContext) => new ParquetEncoder(context, options, snappy),
    readBack: (path: string, table: Table, columns: readonly string[]) =>
      readParquetRowGroups(path, { table, extraColumns: 'ignore', columns }),
  })
  if (!options.statistics) SPLICING.add(format)
  return format
}

import { randomUUID } from 'node:crypto'
import { mkdtemp, rm, unlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Table } from '../schema/define-table.js'
import { arrowRowBatches } from './arrow-columns.js'
import {
  byteLimit,
  type ChangeFile,
  type ChangeFiles,
  duplicateError,
  ERROR_CANDIDATES,
  groupTargetBytes,
  MAX_GROUP_ROWS,
  safeName,
  type WriteChangeFilesOptions,
} from './change-file-types.js'
import { DuplicateKeyTracker } from './duplicate-keys.js'
import { FileSink } from './file-sink.js'
import { isParquetFiles } from './from-parquet.js'
import { keyBatch, parquetFormat, spliceParquetFiles, splicesParquet } from './parquet/index.js'
import { abortedError, payloadError } from './payload-errors.js'
import type { PayloadEncoder, PayloadFormat, PayloadSink, RowBatch } from './payload-format.js'
import { RowBatcher } from './row-batcher.js'
import { consumeRows } from './row-input.js'

/** State of one packaging run: created files, the encoder, key tracking, progress. */
export class Packaging {
  readonly table: Table
  readonly format: PayloadFormat
  readonly maxBytes: number
  readonly options: WriteChangeFilesOptions
  readonly files: ChangeFile[] = []
  readonly #created = new Set<string>()
  readonly #open = new Map<PayloadSink, FileSink>()
  readonly #prefix: string
  readonly #tracker: DuplicateKeyTracker | undefined
  #dir = ''
  #ownsDir = false
  #seq = 0
  #rowsWritten = 0
  #disposed = false
  /** Called after each file of the main pass is complete (used by changeFileStream for hand-over). */
  onFileClosed: ((file: ChangeFile) => Promise<void>) | undefined

  constructor(table: Table, options: WriteChangeFilesOptions) {
    this.table = table
    this.options = options
    this.maxBytes = byteLimit(options)
    this.format = options.format ?? parquetFormat()
    this.#prefix = `${safeName(table.name)}-${randomUUID().slice(0, 8)}`
    for (const [name, value, allowed] of [
      ['duplicateKeys', options.duplicateKeys, ['error', 'keep-last']],
      ['extraColumns', options.extraColumns, ['error', 'ignore']],
    ] as const) {
      if (value !== undefined && !(allowed as readonly string[]).includes(value)) {
        throw payloadError('PAYLOAD_OPTIONS_INVALID', `${name} must be ${allowed.join(' or ')}, got ${value}`, {
          [name]: value,
        })
      }
    }
    const keys = options.keys
    if (keys !== undefined) {
      if (!Array.isArray(keys) || keys.length === 0) {
        throw payloadError('PAYLOAD_OPTIONS_INVALID', 'keys must be a non-empty array of column names', {})
      }
      for (const k of keys) {
        if (!table.columnNames.includes(k)) {
          throw payloadError('PAYLOAD_OPTIONS_INVALID', `key column "${k}" is not a column of ${table.name}`, {
            table: table.name,
            column: k,
            columns: table.columnNames,
          })
        }
      }
      this.#tracker = new DuplicateKeyTracker(table, keys)
    }
  }

  async init(): Promise<void> {
    if (this.options.dir !== undefined) this.#dir = this.options.dir
    else {
      this.#dir = await mkdtemp(join(tmpdir(), 'hyperdelta-'))
      this.#ownsDir = true
    }
  }

  #checkAbort(): void {
    if (this.options.signal?.aborted) throw abortedError(this.options.signal)
  }

  #progress(): void {
    if (!this.options.onProgress) return
    let bytes = 0
    for (const f of this.files) bytes += f.bytes
    for (const sink of this.#open.values()) bytes += sink.bytes
    this.options.onProgress({ rows: this.#rowsWritten, bytes, files: this.files.length })
  }

  async #openSink(): Promise<PayloadSink> {
    this.#checkAbort()
    this.#seq++
    const path = join(this.#dir, `${this.#prefix}-${String(this.#seq).padStart(5, '0')}${this.format.extension}`)
    let sink: FileSink
    try {
      sink = await FileSink.create(path)
    } catch (cause) {
      throw payloadError('PAYLOAD_IO', `cannot create ${path}: ${(cause as Error).message}`, { path }, cause)
    }
    this.#created.add(path)
    this.#open.set(sink, sink)
    return sink
  }

  async #closeSink(into: ChangeFile[], handle: PayloadSink, rows: number, firstRow: number): Promise<void> {
    const sink = this.#open.get(handle)
    if (!sink) throw payloadError('PAYLOAD_IO', `closeFile got a sink it did not open`, {})
    this.#open.delete(handle)
    const { bytes, sha256 } = await sink.close()
    if (bytes > this.maxBytes) {
      throw payloadError('PAYLOAD_IO', `${sink.path} is ${bytes} bytes, over the limit of ${this.maxBytes}`, {
        path: sink.path,
        bytes,
        maxBytes: this.maxBytes,
      })
    }
    const file: ChangeFile = Object.freeze({
      path: sink.path,
      rows,
      bytes,
      sha256,
      table: this.table,
      firstRow,
      format: this.format.name,
    })
    into.push(file)
    this.#progress()
    if (into === this.files) await this.onFileClosed?.(file)
  }

  /** An encoder whose completed files go to `into`. */
  #encoder(into: ChangeFile[]): PayloadEncoder {
    return this.format.createEncoder({
      table: this.table,
      maxBytes: this.maxBytes,
      openFile: () => this.#openSink(),
      closeFile: (handle, rows, firstRow) => this.#closeSink(into, handle, rows, firstRow),
    })
  }

  #batcher(): RowBatcher {
    return new RowBatcher(this.table, {
      extraColumns: this.options.extraColumns ?? 'error',
      maxRows: MAX_GROUP_ROWS,
      targetBytes: groupTargetBytes(this.maxBytes),
    })
  }

  async run(input: unknown): Promise<void> {
    const encoder = this.#encoder(this.files)
    const batcher = this.#batcher()
    const tracker = this.#tracker
    const keepLast = this.options.duplicateKeys === 'keep-last'
    let index = 0
    const drain = async () => {
      this.#checkAbort()
      await writeBatch(batcher.take())
    }
    const writeBatch = async (batch: RowBatch) => {
      if (batch.length === 0) return
      tracker?.observe(batch)
      await encoder.write(batch)
      this.#rowsWritten += batch.length
      this.#progress()
      if (tracker && !keepLast && tracker.candidates >= ERROR_CANDIDATES) await this.#checkDuplicates(encoder)
    }
    this.#checkAbort()
    const extraColumns = this.options.extraColumns ?? 'error'
    if (isParquetFiles(input) && splicesParquet(this.format)) {
      const keys = this.options.keys ?? []
      await spliceParquetFiles(input, {
        table: this.table,
        extraColumns,
        maxBytes: this.maxBytes,
        openFile: () => this.#openSink(),
        closeFile: (sink, rows, firstRow) => this.#closeSink(this.files, sink, rows, firstRow),
        nextRow: () => index,
        pushRows: async (rows) => {
          for (const row of rows) if (batcher.add(row, index++)) await drain()
        },
        endRows: async () => {
          await drain()
          await encoder.flush()
        },
        spliced: async (rows, readKeys, finishFile) => {
          const first = index
          index += rows
          this.#rowsWritten += rows
          this.#progress()
          if (!tracker) return
          tracker.observe(keyBatch(this.table, keys, await readKeys(keys), first))
          if (!keepLast && tracker.candidates >= ERROR_CANDIDATES) {
            await finishFile()
            await this.#checkDuplicates(encoder)
          }
        },
        checkAbort: () => this.#checkAbort(),
      })
    } else {
      await consumeRows(input, this.table, extraColumns, {
        push: (row) => batcher.add(row, index++),
        drain,
        pushArrow: async (arrowBatch) => {
          const batches = arrowRowBatches(arrowBatch, this.table, extraColumns, index, MAX_GROUP_ROWS)
          if (!batches) return false
          await drain() // rows pushed before the batch go first
          for (const batch of batches) {
            this.#checkAbort()
            index += batch.length
            await writeBatch(batch)
          }
          return true
        },
      })
    }
    await drain()
    await encoder.flush()
    if (tracker && tracker.candidates > 0) {
      if (keepLast) await this.#keepLast(tracker)
      else await this.#checkDuplicates(encoder)
    }
  }

  async #checkDuplicates(encoder: PayloadEncoder): Promise<void> {
    const tracker = this.#tracker!
    await encoder.flush()
    const duplicates = await tracker.resolve(this.files, this.format)
    if (duplicates.length > 0) throw duplicateError(this.table, this.options.keys!, duplicates)
    tracker.clearCandidates() // every candidate was a hash collision
  }

  /** Rewrites the files holding earlier occurrences of duplicate keys without those rows. */
  async #keepLast(tracker: DuplicateKeyTracker): Promise<void> {
    const duplicates = await tracker.resolve(this.files, this.format)
    const dropped = new Set<number>()
    for (const d of duplicates) for (const row of d.rows.slice(0, -1)) dropped.add(row)
    if (dropped.size === 0) return
    const result: ChangeFile[] = []
    for (const file of this.files) {
      let hit = false
      for (let r = file.firstRow; r < file.firstRow + file.rows && !hit; r++) hit = dropped.has(r)
      if (!hit) {
        result.push(file)
        continue
      }
      const encoder = this.#encoder(result)
      const batcher = this.#batcher()
      let row = file.firstRow
      for await (const chunk of this.format.readBack(file.path, this.table, this.table.columnNames)) {
        for (const record of chunk) {
          if (!dropped.has(row) && batcher.add(record, row)) await encoder.write(batcher.take())
          row++
        }
      }
      await encoder.write(batcher.take())
      await encoder.flush()
      await unlink(file.path)
      this.#created.delete(file.path)
    }
    this.files.splice(0, this.files.length, ...result)
    this.#rowsWritten -= dropped.size
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return
    this.#disposed = true
    await Promise.all([...this.#open.values()].map((s) => s.discard()))
    this.#open.clear()
    if (this.#ownsDir) await rm(this.#dir, { recursive: true, force: true })
    else await Promise.all([...this.#created].map((p) => rm(p, { force: true })))
    this.#created.clear()
  }

  result(): ChangeFiles {
    const files = Object.freeze([...this.files])
    const dispose = () => this.dispose()
    return {
      files,
      rows: files.reduce((n, f) => n + f.rows, 0),
      bytes: files.reduce((n, f) => n + f.bytes, 0),
      dispose,
      [Symbol.asyncDispose]: dispose,
    }
  }
}

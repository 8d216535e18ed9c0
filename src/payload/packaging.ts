import type { Table } from '../schema/define-table.js'
import { arrowRowBatches } from './arrow-columns.js'
import type { ChangeFile, ChangeFiles, WriteChangeFilesOptions } from './change-file-types.js'
import { DuplicateCheck } from './duplicate-check.js'
import type { SinkHashing } from './file-sink.js'
import { isParquetFiles } from './from-parquet.js'
import { MAX_GROUP_ROWS, type PackagingOptions, resolvePackagingOptions } from './packaging-options.js'
import { keyBatch, spliceParquetFiles, splicesParquet } from './parquet/index.js'
import { abortedError, payloadError } from './payload-errors.js'
import type { PayloadEncoder, PayloadFormat, PayloadSink, RowBatch } from './payload-format.js'
import { RowBatcher } from './row-batcher.js'
import { consumeRows } from './row-input.js'
import { TempFileStore } from './temp-file-store.js'

/**
 * One packaging run: rows in, change files out. Its collaborators hold the rest: the resolved options
 * ({@link resolvePackagingOptions}), the files on disk ({@link TempFileStore}) and the duplicate-key policy
 * ({@link DuplicateCheck}); this class wires the input to the format's encoder and reports progress.
 */
export class Packaging {
  readonly table: Table
  readonly format: PayloadFormat
  readonly maxBytes: number
  readonly files: ChangeFile[] = []
  readonly #settings: PackagingOptions
  readonly #options: WriteChangeFilesOptions
  readonly #duplicates: DuplicateCheck | undefined
  #store: TempFileStore | undefined
  #rowsWritten = 0
  /** Called after each file of the main pass is complete (used by changeFileStream for hand-over). */
  onFileClosed: ((file: ChangeFile) => Promise<void>) | undefined

  constructor(table: Table, options: WriteChangeFilesOptions) {
    this.table = table
    this.#options = options
    this.#settings = resolvePackagingOptions(table, options)
    this.format = this.#settings.format
    this.maxBytes = this.#settings.maxBytes
    const keys = this.#settings.keys
    if (keys !== undefined) this.#duplicates = new DuplicateCheck(table, keys, this.#settings.duplicateKeys)
  }

  async init(): Promise<void> {
    this.#store = await TempFileStore.create(this.table.name, this.#options.dir)
  }

  get #files(): TempFileStore {
    if (!this.#store) throw new Error('internal: Packaging.init() was not awaited')
    return this.#store
  }

  #checkAbort(): void {
    if (this.#options.signal?.aborted) throw abortedError(this.#options.signal)
  }

  #progress(): void {
    if (!this.#options.onProgress) return
    let bytes = this.#files.openBytes
    for (const f of this.files) bytes += f.bytes
    this.#options.onProgress({ rows: this.#rowsWritten, bytes, files: this.files.length })
  }

  async #openSink(hashing: SinkHashing = 'inline'): Promise<PayloadSink> {
    this.#checkAbort()
    return this.#files.open(this.format.extension, hashing)
  }

  async #closeSink(into: ChangeFile[], handle: PayloadSink, rows: number, firstRow: number): Promise<void> {
    const { path, bytes, sha256 } = await this.#files.close(handle)
    if (bytes > this.maxBytes) {
      throw payloadError('PAYLOAD_IO', `${path} is ${bytes} bytes, over the limit of ${this.maxBytes}`, {
        path,
        bytes,
        maxBytes: this.maxBytes,
      })
    }
    const file: ChangeFile = Object.freeze({
      path,
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
      extraColumns: this.#settings.extraColumns,
      maxRows: MAX_GROUP_ROWS,
      targetBytes: this.#settings.groupTargetBytes,
    })
  }

  async run(input: unknown): Promise<void> {
    const encoder = this.#encoder(this.files)
    const batcher = this.#batcher()
    const duplicates = this.#duplicates
    let index = 0
    const drain = async () => {
      this.#checkAbort()
      await writeBatch(batcher.take())
    }
    const writeBatch = async (batch: RowBatch) => {
      if (batch.length === 0) return
      duplicates?.observe(batch)
      await encoder.write(batch)
      this.#rowsWritten += batch.length
      this.#progress()
      if (duplicates?.due) await this.#verifyDuplicates(encoder, duplicates)
    }
    this.#checkAbort()
    const extraColumns = this.#settings.extraColumns
    if (isParquetFiles(input) && splicesParquet(this.format)) {
      await spliceParquetFiles(input, {
        table: this.table,
        extraColumns,
        maxBytes: this.maxBytes,
        // Splicing copies bytes on this thread alone: hashing them elsewhere takes half its work away.
        openFile: () => this.#openSink('read-back'),
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
          if (!duplicates) return
          duplicates.observe(keyBatch(this.table, duplicates.keys, await readKeys(duplicates.keys), first))
          if (duplicates.due) {
            await finishFile()
            await this.#verifyDuplicates(encoder, duplicates)
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
    if (duplicates?.pending) {
      if (duplicates.keepLast) await this.#keepLast(duplicates)
      else await this.#verifyDuplicates(encoder, duplicates)
    }
  }

  async #verifyDuplicates(encoder: PayloadEncoder, duplicates: DuplicateCheck): Promise<void> {
    await encoder.flush()
    await duplicates.verify(this.files, this.format)
  }

  /** Rewrites the files holding earlier occurrences of duplicate keys without those rows. */
  async #keepLast(duplicates: DuplicateCheck): Promise<void> {
    const dropped = await duplicates.rowsToDrop(this.files, this.format)
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
      await this.#files.remove(file.path)
    }
    this.files.splice(0, this.files.length, ...result)
    this.#rowsWritten -= dropped.size
  }

  async dispose(): Promise<void> {
    await this.#store?.dispose()
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

import type { Table } from '../../schema/define-table.js'
import { payloadError } from '../payload-errors.js'
import type { PayloadSink } from '../payload-format.js'
import { FooterBuilder, type GroupLayout, MAGIC, tableLeaves } from './parquet-metadata.js'

/** A row group copied from an input file: its chunks' bytes in table column order and their layout. */
export interface SplicedGroup {
  readonly layout: GroupLayout
  readonly chunks: readonly Uint8Array[]
  /** All of `chunks` as one buffer, when they lie back to back in the input (one write instead of one per column). */
  readonly contiguous?: Uint8Array
  /** Per table column: whether the source declares it OPTIONAL (the pages carry definition levels). */
  readonly optional: readonly boolean[]
  /** Input index of the group's first row. */
  readonly firstRow: number
}

interface SplicedFile {
  readonly sink: PayloadSink
  readonly footer: FooterBuilder
  readonly signature: string
  offset: number
  rows: number
  firstRow: number
}

/**
 * Writes change files from whole row groups copied as bytes: "PAR1", the groups' column chunks,
 * then our own footer with the chunks' offsets rewritten. A file is cut at a row-group boundary
 * when the next group would take it past the limit (footer included, computed exactly), and when
 * the next group's columns differ in repetition (one file has one schema).
 */
export class ParquetSplicer {
  readonly #table: Table
  readonly #maxBytes: number
  readonly #openFile: () => Promise<PayloadSink>
  readonly #closeFile: (sink: PayloadSink, rows: number, firstRow: number) => Promise<void>
  #file: SplicedFile | undefined

  constructor(
    table: Table,
    maxBytes: number,
    openFile: () => Promise<PayloadSink>,
    closeFile: (sink: PayloadSink, rows: number, firstRow: number) => Promise<void>,
  ) {
    this.#table = table
    this.#maxBytes = maxBytes
    this.#openFile = openFile
    this.#closeFile = closeFile
  }

  /** True when the group fits into a file of its own: otherwise the caller re-encodes its rows. */
  fitsAlone(group: SplicedGroup): boolean {
    const footer = new FooterBuilder(tableLeaves(this.#table, group.optional))
    footer.add(group.layout, MAGIC.length)
    return MAGIC.length + group.layout.bytes + footer.length <= this.#maxBytes
  }

  /** Appends a group that {@link fitsAlone}, in a new file when the current one cannot take it. */
  async append(group: SplicedGroup): Promise<void> {
    const signature = group.optional.map((o) => (o ? '1' : '0')).join('')
    let file = this.#file
    if (file && file.signature === signature) {
      file.footer.add(group.layout, file.offset)
      if (file.offset + group.layout.bytes + file.footer.length > this.#maxBytes) {
        file.footer.removeLast(group.layout.rows)
        await this.finish()
        file = undefined
      }
    } else {
      await this.finish()
      file = undefined
    }
    if (!file) {
      const sink = await this.#openFile()
      await sink.write(MAGIC)
      file = {
        sink,
        footer: new FooterBuilder(tableLeaves(this.#table, group.optional)),
        signature,
        offset: MAGIC.length,
        rows: 0,
        firstRow: group.firstRow,
      }
      this.#file = file
      file.footer.add(group.layout, file.offset)
    }
    if (group.contiguous) await file.sink.write(group.contiguous)
    else for (const chunk of group.chunks) await file.sink.write(chunk)
    file.offset += group.layout.bytes
    file.rows += group.layout.rows
  }

  /** Completes the current file, if any. */
  async finish(): Promise<void> {
    const file = this.#file
    if (!file) return
    this.#file = undefined
    const footer = file.footer.bytes()
    await file.sink.write(footer)
    if (file.sink.bytes !== file.offset + footer.length || file.sink.bytes > this.#maxBytes) {
      throw payloadError('PAYLOAD_IO', `internal size check failed for ${file.sink.path}`, {
        bytes: file.sink.bytes,
        expected: file.offset + footer.length,
        maxBytes: this.#maxBytes,
      })
    }
    await this.#closeFile(file.sink, file.rows, file.firstRow)
  }
}

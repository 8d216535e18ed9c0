import { type FileHandle, open } from 'node:fs/promises'
import { parquetReadObjects } from 'hyparquet'
import type { Table } from '../../schema/define-table.js'
import { openParquet, parsers, readParquetRowGroups } from '../from-parquet.js'
import { payloadError } from '../payload-errors.js'
import { asciiCheckThread } from './ascii-check-thread.js'
import type { ChunkLayout } from './parquet-metadata.js'
import { asciiProvable, type PageJob, pageJobs, pagesValid } from './parquet-page-checks.js'
import { readFooter, type SourceFooter, type SourceGroup } from './parquet-source.js'
import { groupProvable, planColumns, type SplicedColumn } from './parquet-splice-plan.js'
import type { SplicedGroup } from './parquet-splicer.js'
import { SpanBuffers } from './span-buffers.js'
import { MalformedParquet } from './thrift-compact.js'

/** A row group to copy as bytes (with a way to decode it after all), or rows decoded for the row path. */
export type ParquetUnit =
  | {
      readonly kind: 'group'
      readonly group: Omit<SplicedGroup, 'firstRow'>
      /** Decodes the group's rows (only the given columns, default the table's). */
      readonly readRows: (columns?: readonly string[]) => Promise<Record<string, unknown>[]>
    }
  | { readonly kind: 'rows'; readonly rows: Record<string, unknown>[] }

async function readExactly(
  handle: FileHandle,
  position: number,
  length: number,
  buffer: Uint8Array = new Uint8Array(length),
): Promise<Uint8Array> {
  let done = 0
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, done, length - done, position + done)
    if (bytesRead === 0) throw new MalformedParquet(`file ends before byte ${position + length}`)
    done += bytesRead
  }
  return buffer
}

/** Which of `jobs` the proving thread showed to be ASCII text; undefined when the thread is not used (then pagesValid tries them itself). */
async function provenElsewhere(span: Uint8Array, jobs: readonly PageJob[]): Promise<boolean[] | undefined> {
  const thread = asciiCheckThread()
  if (!thread || !(span.buffer instanceof SharedArrayBuffer)) return undefined
  const picked = jobs.flatMap((job, i) => (asciiProvable(job) ? [i] : []))
  if (picked.length === 0) return undefined
  const answers = await thread.prove(
    span.buffer,
    picked.map((i) => {
      const job = jobs[i]!
      return [span.byteOffset + job[0], job[1], job[2], job[4] === 1] as const
    }),
  )
  const proven = new Array<boolean>(jobs.length).fill(false)
  picked.forEach((i, k) => {
    proven[i] = answers[k] === true
  })
  return proven
}

/** The group's chunks in table order, read in one span and checked, or undefined when not proven valid. */
async function copyGroup(
  handle: FileHandle,
  size: number,
  plan: readonly SplicedColumn[],
  footer: SourceFooter,
  group: SourceGroup,
  memory: (length: number) => Uint8Array,
): Promise<Omit<SplicedGroup, 'firstRow'> | undefined> {
  const sources = plan.map((column) => group.chunks[column.leaf]!)
  const from = Math.min(...sources.map((c) => c.start))
  const to = Math.max(...sources.map((c) => c.start + c.bytes))
  if (from < 4 || to > size - 8) return undefined
  const optional = plan.map((column) => footer.leaves[column.leaf]!.optional)
  const span = await readExactly(handle, from, to - from, memory(to - from))
  const jobs: PageJob[] = []
  for (let j = 0; j < plan.length; j++) {
    const c = sources[j]!
    const check = plan[j]!.check
    if (check && !pageJobs(span, c.start - from, c.start - from + c.bytes, c.codec, optional[j]!, check, jobs)) {
      return undefined
    }
  }
  if (!pagesValid(span, jobs, await provenElsewhere(span, jobs))) return undefined
  const chunks: Uint8Array[] = []
  const columns: ChunkLayout[] = []
  let at = 0
  for (const c of sources) {
    chunks.push(span.subarray(c.start - from, c.start - from + c.bytes))
    columns.push({
      start: at,
      dataPageStart: at + c.dataPageOffset - c.start,
      dictionaryPageStart: c.dictionaryPageOffset === undefined ? undefined : at + c.dictionaryPageOffset - c.start,
      compressedBytes: c.bytes,
      uncompressedBytes: c.uncompressedBytes,
      encodings: c.encodings,
      codec: c.codec,
      numValues: c.numValues,
    })
    at += c.bytes
  }
  const contiguous =
    at === span.length && sources.every((c, j) => j === 0 || c.start === sources[j - 1]!.start + sources[j - 1]!.bytes)
  return {
    layout: { rows: group.rows, bytes: at, columns },
    chunks,
    ...(contiguous && { contiguous: span }),
    optional,
  }
}

/**
 * One Parquet input as units for packaging, a row group at a time in file order: row groups whose
 * columns map onto the table and are proven valid come as bytes to copy; every other row group
 * (and every row group of a file that does not map) as decoded rows, validated by the row path.
 */
export async function* parquetUnits(
  path: string,
  table: Table,
  extraColumns: 'error' | 'ignore',
): AsyncGenerator<ParquetUnit> {
  let handle: FileHandle
  let footer: SourceFooter | undefined
  let size = 0
  try {
    handle = await open(path, 'r')
  } catch (cause) {
    const message = `cannot read Parquet file ${path}: ${(cause as Error).message}`
    throw payloadError('PAYLOAD_PARQUET_INPUT', message, { path }, cause)
  }
  try {
    try {
      size = (await handle.stat()).size
      footer = await readFooter(size, (position, length) => readExactly(handle, position, length))
    } catch {
      footer = undefined // the row path reports what is wrong with the file
    }
    const plan = footer && planColumns(table, footer, extraColumns)
    if (!footer || !plan) {
      for await (const rows of readParquetRowGroups(path, { table, extraColumns })) yield { kind: 'rows', rows }
      return
    }
    let opened: Awaited<ReturnType<typeof openParquet>> | undefined
    const readRows = async (rowStart: number, rowEnd: number, columns: readonly string[]) => {
      opened ??= await openParquet(path)
      try {
        return await parquetReadObjects({ ...opened, columns: [...columns], rowStart, rowEnd, parsers })
      } catch (cause) {
        const message = `cannot read ${path}: ${(cause as Error).message}`
        throw payloadError('PAYLOAD_PARQUET_INPUT', message, { path }, cause)
      }
    }
    // The next group's bytes are read while the consumer writes the current one (reads and writes overlap).
    const groups = footer.groups
    const spans = new SpanBuffers()
    const load = (k: number) => {
      const source = groups[k]
      if (!source || source.rows === 0 || !groupProvable(plan, footer!, source)) return undefined
      const loading = copyGroup(handle, size, plan, footer!, source, (length) => spans.take(k, length))
      loading.catch(() => {}) // awaited below; never an unhandled rejection meanwhile
      return loading
    }
    let next = load(0)
    let rowStart = 0
    try {
      for (let k = 0; k < groups.length; k++) {
        const source = groups[k]!
        const current = next
        next = load(k + 1)
        const start = rowStart
        const end = start + source.rows
        rowStart = end
        if (source.rows === 0) continue
        const group = await current
        if (group) {
          yield { kind: 'group', group, readRows: (columns) => readRows(start, end, columns ?? table.columnNames) }
        } else {
          yield { kind: 'rows', rows: await readRows(start, end, table.columnNames) }
        }
      }
    } finally {
      await next?.catch(() => {}) // a read still running must end before the handle closes
      spans.release()
    }
  } finally {
    await handle.close()
  }
}

import type { Table } from '../schema/define-table.js'
import type { ChangeFile, ChangeFiles, WriteChangeFilesOptions } from './change-file-types.js'
import { Channel } from './channel.js'
import { Packaging } from './packaging.js'
import { payloadError } from './payload-errors.js'
import type { ChangeRowsInput } from './row-input.js'

export type { ChangeFile, ChangeFiles, WriteChangeFilesOptions } from './change-file-types.js'

/**
 * Packages change rows into complete change files (Parquet by default), each at most the byte
 * limit, cut on row boundaries, in input order. Values are validated against the table; bad input
 * is a typed error naming the column and row index, and every file created so far is removed.
 * Rows are streamed: memory holds one row group, plus ~15 bytes per row when `keys` are given.
 *
 * @example
 * ```ts
 * import { defineTable, int64, text, writeChangeFiles } from 'hyperdelta'
 * const changes = defineTable({ name: 'changes' }, { id: int64(), name: text({ nullable: true }) })
 * await using files = await writeChangeFiles(changes, [{ id: 1n, name: 'a' }, { id: 2n }], { maxSizeInMb: 10, keys: ['id'] })
 * for (const f of files.files) console.log(f.path, f.rows, f.bytes, f.sha256)
 * ```
 */
export async function writeChangeFiles(
  table: Table,
  rows: ChangeRowsInput,
  options: WriteChangeFilesOptions = {},
): Promise<ChangeFiles> {
  const packaging = new Packaging(table, options)
  await packaging.init()
  try {
    await packaging.run(rows)
    return packaging.result()
  } catch (error) {
    await packaging.dispose()
    throw error
  }
}

/**
 * Streaming variant of {@link writeChangeFiles}: yields each change file as soon as it is complete,
 * while the next one is being written (at most one finished file waits for the consumer), so a
 * caller can upload file N while N+1 is packaged. Every file is removed when the iteration ends
 * (completes, breaks or throws): consume a file before asking for the next. With `keys`, a
 * duplicate is reported when it is met, possibly after earlier files were yielded;
 * `duplicateKeys: 'keep-last'` needs the whole change set first and is not supported here.
 *
 * @example
 * ```ts
 * import { changeFileStream } from 'hyperdelta'
 * for await (const file of changeFileStream(changes, rows, { maxSizeInMb: 100 })) await upload(file.path)
 * ```
 */
export async function* changeFileStream(
  table: Table,
  rows: ChangeRowsInput,
  options: WriteChangeFilesOptions = {},
): AsyncGenerator<ChangeFile, void, undefined> {
  if (options.keys !== undefined && options.duplicateKeys === 'keep-last') {
    throw payloadError(
      'PAYLOAD_OPTIONS_INVALID',
      "duplicateKeys: 'keep-last' rewrites earlier files, so it needs writeChangeFiles, not changeFileStream",
      {},
    )
  }
  const channel = new Channel<ChangeFile>(1)
  const signal = options.signal ? AbortSignal.any([options.signal, channel.signal]) : channel.signal
  const packaging = new Packaging(table, { ...options, signal })
  await packaging.init()
  packaging.onFileClosed = async (file) => {
    await channel.send(file)
  }
  // A stop the consumer caused (break, return) is not its error; the channel ignores a failure after cancel.
  const running = packaging.run(rows).then(
    () => channel.close(),
    (error: unknown) => channel.fail(error),
  )
  try {
    yield* channel
  } finally {
    channel.cancel()
    await running
    await packaging.dispose()
  }
}

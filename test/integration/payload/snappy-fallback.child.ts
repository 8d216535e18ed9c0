/**
 * Child process of snappy-fallback.test.ts: a process where the optional dependency `snappy` cannot
 * be resolved (as on a platform without its binary). Writes the rows it is told to, with worker
 * threads, and prints what happened as JSON.
 */
import Module from 'node:module'

const loader = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string }
const resolve = loader._resolveFilename
loader._resolveFilename = function (this: unknown, request, ...rest) {
  if (request === 'snappy') throw Object.assign(new Error("Cannot find module 'snappy'"), { code: 'MODULE_NOT_FOUND' })
  return resolve.call(this, request, ...rest)
}

const { defineTable, int64, text, writeChangeFiles } = await import('../../../src/index.js')
const { parquetFormat } = await import('../../../src/format.js')
const [dir, count] = process.argv.slice(2) as [string, string]

let nativeError: unknown
try {
  parquetFormat({ snappy: 'native' })
} catch (error) {
  nativeError = error
}
const table = defineTable({ schema: 'Extract', name: 'fallback' }, { id: int64(), s: text() })
const rows = Array.from({ length: Number(count) }, (_, i) => ({ id: BigInt(i), s: `value ${i}` }))
const files = await writeChangeFiles(table, rows, { dir, format: parquetFormat({ compressionThreads: 1 }) })
process.stdout.write(
  JSON.stringify({
    nativeError: { code: (nativeError as { code?: string })?.code, message: (nativeError as Error)?.message },
    paths: files.files.map((f) => f.path),
  }),
)

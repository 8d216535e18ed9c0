/**
 * Starts every helper thread of packaging and leaves some idle, then lets the event loop run dry:
 * the process must exit by itself (test/unit/payload/parquet/idle-threads.test.ts).
 * Usage: node --import tsx idle-threads.child.ts <dir>
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { asciiCheckThread } from '../../../../src/payload/parquet/ascii-check-thread.js'
import { compressGroup } from '../../../../src/payload/parquet/compression-pool.js'
import { encodeRowGroup } from '../../../../src/payload/parquet/parquet-pages.js'
import { resolveSnappy } from '../../../../src/payload/parquet/snappy.js'
import { ReadBackSha256 } from '../../../../src/payload/read-back-sha256.js'
import { int64 } from '../../../../src/schema/column-types.js'

const dir = process.argv[2]!
// The proving thread, started and never asked anything.
if (!asciiCheckThread()) throw new Error('no proving thread')
// Two compression workers asked for, one group: the second stays idle.
const ids = new BigInt64Array(50_000).map((_, i) => BigInt(i))
await compressGroup(encodeRowGroup([int64()], [ids], 0, ids.length), 2, resolveSnappy('auto'))
// The hashing thread, used once to the end.
const path = join(dir, 'f.bin')
await writeFile(path, 'hello')
const stream = ReadBackSha256.start(path)!
stream.written(5)
console.log(await stream.digest(5))

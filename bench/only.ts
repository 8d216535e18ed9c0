/**
 * `npm run bench -- --only <lines> [--rows=N] [--rounds=N]`: one section's lines alone, printed (never
 * written to results.md), so a line can be measured again in a short run on the shared machine:
 * - `rows`: row objects from an array and from an async generator (default 1M rows)
 * - `parquet`: `fromParquet` against DuckDB COPY and against a plain copy of the file (default 2M rows)
 * - `arrow`: the Arrow lines (default: the full run's size)
 * - `columnar`: the whole columnar section, peak RSS included
 * - `rss`: peak RSS at 10M rows of the Parquet and the Arrow path, each in a child process
 */
import { benchColumnar, benchColumnarRss, type ColumnarLines } from './columnar.js'
import { columnarSection, rssLines } from './columnar-section.js'
import { compileForBench } from './memory.js'
import { benchRowObjects, rowObjectsSection } from './row-objects.js'

export interface OnlySizes {
  parquet: number
  arrow: number
  rss: number
  rounds: number
}

const ONLY = ['rows', 'parquet', 'arrow', 'columnar', 'rss'] as const

/** Runs the `--only` lines and returns the printed section; throws on an unknown name. */
export async function runOnly(
  only: string,
  argv: readonly string[],
  sizes: OnlySizes,
  log: (line: string) => void,
): Promise<string[]> {
  if (!(ONLY as readonly string[]).includes(only)) throw new Error(`--only takes one of ${ONLY.join(', ')}`)
  const arg = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3)
  const rows = arg('rows') === undefined ? undefined : Number(arg('rows'))
  const rounds = Number(arg('rounds') ?? sizes.rounds)
  if (only === 'rows') {
    const n = rows ?? 1_000_000
    log(`row objects ${n} rows, ${rounds} rounds…`)
    return rowObjectsSection(await benchRowObjects(n, rounds))
  }
  if (only === 'rss' || only === 'columnar') {
    log('compiling the measured child to bench/out…')
    await compileForBench()
  }
  if (only === 'rss') {
    const n = rows ?? sizes.rss
    log(`peak RSS at ${n} rows (Parquet, then Arrow, a child process each)…`)
    return ['## Peak RSS of the columnar paths', ...rssLines(await benchColumnarRss(n))]
  }
  log(`columnar inputs (${only})…`)
  const lines: ColumnarLines = only === 'columnar' ? 'all' : (only as 'parquet' | 'arrow')
  const result = await benchColumnar({
    ...sizes,
    rounds,
    parquet: only === 'parquet' ? (rows ?? 2_000_000) : sizes.parquet,
    arrow: only === 'arrow' && rows !== undefined ? rows : sizes.arrow,
    lines,
  })
  return columnarSection(result)
}

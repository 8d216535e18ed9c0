import { fmt } from './cdc-section.js'
import type { ColumnarResult, LineResult, RssResult } from './columnar.js'

/** The results.md section of the columnar-input lines: each with its reference, ratio and rounds; peak RSS. */
export function columnarSection(r: ColumnarResult): string[] {
  const spread = (values: number[]) => `${fmt(Math.min(...values))}–${fmt(Math.max(...values))} ms`
  const med = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!
  const row = (label: string, l: LineResult, reference: string, target: number) => [
    `| ${label} | ${fmt(l.rows)} | ${fmt(med(l.hyperdeltaAll))} ms (${spread(l.hyperdeltaAll)}) | ${reference}: ${fmt(med(l.duckdbAll))} ms (${spread(l.duckdbAll)}) | **${fmt(l.ratio, 2)}×** (target ≥ ${target}×: ${l.ratio >= target ? 'met' : 'NOT met'}) | ${l.hyperdeltaAll.map((ms, i) => fmt(l.duckdbAll[i]! / ms, 2)).join(', ')} |`,
  ]
  return [
    '## Columnar inputs',
    '',
    `The bench change set (id int64, 20-char text, float64, timestamp, bool) → change files (SNAPPY, 100 MB limit). ${(r.arrow ?? r.parquet)?.rounds ?? 0} interleaved rounds; ratio = median over the rounds of DuckDB's time / hyperdelta's time in the same round.`,
    '',
    '| input | rows | hyperdelta, median (spread) | reference, median (spread) | ratio | per round |',
    '|---|---:|---:|---:|---:|---|',
    ...(r.parquet
      ? row(
          '`fromParquet` of a DuckDB-written file (row groups spliced)',
          r.parquet,
          "`COPY (SELECT * FROM read_parquet(…)) TO 'x.parquet'`",
          2,
        )
      : []),
    ...(r.parquetCopy
      ? row('`fromParquet`, the same file', r.parquetCopy, '`fs.copyFile` of the input file', 0.5)
      : []),
    ...(r.arrow
      ? row(
          'apache-arrow `Table` of plain buffers (columnar path)',
          r.arrow,
          "`COPY (SELECT … FROM range(…)) TO 'x.parquet'`",
          1,
        )
      : []),
    ...(r.arrowArrays
      ? row(
          '`tableFromArrays` (dictionary text, ms timestamps from `Date`s, booleans)',
          r.arrowArrays,
          "`COPY (SELECT … FROM range(…)) TO 'x.parquet'`",
          1,
        )
      : []),
    ...(r.rss.length === 0 ? [] : rssLines(r.rss)),
  ]
}

/** Peak RSS of the child processes (see benchColumnarRss). */
export function rssLines(rss: readonly RssResult[]): string[] {
  return [
    '',
    'Peak RSS (its own high-water mark, VmHWM) of a child process running the compiled package:',
    '',
    '| path | rows | time | peak RSS | files |',
    '|---|---:|---:|---:|---:|',
    ...rss.map(
      (x) =>
        `| ${x.path === 'parquet' ? '`fromParquet`, one DuckDB-written file' : 'async iterable of Arrow RecordBatches (65,536 rows each)'} | ${fmt(x.rows)} | ${fmt(x.ms)} ms | ${fmt(x.maxRssMB)} MB | ${x.files} |`,
    ),
    '',
    `**Peak ${fmt(Math.max(...rss.map((x) => x.maxRssMB)))} MB (target ≤ 256 MB): ${rss.every((x) => x.maxRssMB <= 256) ? 'met' : 'NOT met'}.**`,
    '',
  ]
}

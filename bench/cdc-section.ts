import { readFile, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { DUCKDB_MEMORY_SHARE, duckdbMemoryLimit, parseMemorySize } from '../pipelines/index.js'
import type { CdcBenchResult } from './cdc.js'

// The nightly CDC line of bench/results.md: its table, and replacing just that section after a full --cdc run.

export const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })

export const CDC_MEMORY_LIMIT = '1GB'
export const CDC_TITLE = '## Nightly CDC (DuckDB set work)'

export function cdcSection(r: CdcBenchResult): string[] {
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
  const line = (name: string, ours: (x: CdcBenchResult['rounds'][number]) => [number, number]) => {
    const ratios = r.rounds.map((x) => ours(x)[0] / ours(x)[1])
    const ratio = median(ratios)
    return {
      ratio,
      text: `| ${name} | ${fmt(median(r.rounds.map((x) => ours(x)[0])))} ms | ${fmt(median(r.rounds.map((x) => ours(x)[1])))} ms | **${fmt(ratio, 2)}×** (${ratios.map((x) => fmt(x, 2)).join(', ')}) | ${ratio <= 1.5 ? 'met' : 'NOT met'} |`,
    }
  }
  const diff = line('snapshot diff (`diffSnapshots`)', (x) => [x.diff.ms, x.diffSql.ms])
  const compaction = line('change-log compaction (`compactChangeLog`)', (x) => [x.log.ms, x.logSql.ms])
  // CPU time as a second view: the machine may be shared, and CPU time moves less with the load than wall time.
  const cpu = (name: string, ours: (x: CdcBenchResult['rounds'][number]) => [number, number]) => {
    const ratios = r.rounds.map((x) => ours(x)[0] / ours(x)[1])
    return `${name} ${fmt(median(r.rounds.map((x) => ours(x)[0])))} vs ${fmt(median(r.rounds.map((x) => ours(x)[1])))} ms, **${fmt(median(ratios), 2)}×** (${ratios.map((x) => fmt(x, 2)).join(', ')})`
  }
  const peak = (pick: (x: CdcBenchResult['rounds'][number]) => number) => Math.max(...r.rounds.map(pick))
  const budgetMiB = parseMemorySize(r.memoryLimit)! / 2 ** 20
  const duckdbMiB = Number.parseInt(duckdbMemoryLimit(r.memoryLimit), 10) / 1024
  const peaks = { diff: peak((x) => x.diff.maxRssMB), log: peak((x) => x.log.maxRssMB) }
  const underBudget = Math.max(peaks.diff, peaks.log) < budgetMiB
  const first = r.rounds[0]!
  return [
    CDC_TITLE,
    '',
    `Two ${fmt(r.rows)}-row Parquet snapshots (id, body, amount, timestamp; day 2: 1 % changed, 0.5 % deleted, 0.5 % new) → ` +
      `${fmt(first.diff.upserts)} upserts + ${fmt(first.diff.deletes)} deletes; a ${fmt(r.logRows)}-entry change log over ${fmt(r.logKeys)} keys → ` +
      `${fmt(first.log.upserts)} upserts + ${fmt(first.log.deletes)} deletes. Each task in a child process of its own; ` +
      `the reference is the bare DuckDB SQL for the same set work (join/anti-join, or window + copies) with the same DuckDB \`memory_limit\` (${fmt(duckdbMiB)} MiB) and a temp directory, ` +
      `writing the same Parquet results; both found the same counts in every round. Median of ${r.rounds.length} rounds; ratio = our time / SQL time per round.`,
    '',
    '| | hyperdelta | bare DuckDB SQL | ratio (per round) | target ≤ 1.5× |',
    '|---|---:|---:|---:|---|',
    diff.text,
    compaction.text,
    '',
    `CPU time (user + system of the task's process, median; ours vs SQL): ${cpu('diff', (x) => [x.diff.cpuMs, x.diffSql.cpuMs])}; ` +
      `${cpu('compaction', (x) => [x.log.cpuMs, x.logSql.cpuMs])}.`,
    '',
    `Memory budget \`memoryLimit: '${r.memoryLimit}'\` (${fmt(budgetMiB)} MiB; DuckDB's \`memory_limit\` gets ${DUCKDB_MEMORY_SHARE * 100} % of it, ${fmt(duckdbMiB)} MiB, for ours and the reference). ` +
      `Peak RSS (the task process's own high-water mark, highest round): diff ${fmt(peaks.diff)} MiB (SQL ${fmt(peak((x) => x.diffSql.maxRssMB))} MiB), ` +
      `compaction ${fmt(peaks.log)} MiB (SQL ${fmt(peak((x) => x.logSql.maxRssMB))} MiB): ${underBudget ? 'under the budget (met)' : 'NOT under the budget'}.`,
    '',
  ]
}

export async function replaceCdcSection(lines: string[], log: (line: string) => void): Promise<void> {
  const out = fileURLToPath(new URL('./results.md', import.meta.url))
  const old = await readFile(out, 'utf8')
  const start = old.indexOf(CDC_TITLE)
  const next = start < 0 ? -1 : old.indexOf('\n## ', start + CDC_TITLE.length)
  const before = `${(start < 0 ? old : old.slice(0, start)).trimEnd()}\n\n`
  const after = next < 0 ? '' : old.slice(next + 1)
  await writeFile(out, `${before}${lines.join('\n')}\n${after}`)
  log(`CDC section written to ${out}`)
}

/**
 * `npm run bench [-- --quick]`: every figure is a ratio against a reference measured in the same run on
 * the same data, so it holds on a noisy machine. Prints progress and the results; `--write` also writes
 * bench/results.md (tracked, so a plain run leaves the checkout clean). --quick uses small sizes (a smoke
 * run well under a minute) and never writes: bench/results.md keeps a full run.
 */
import { execFileSync } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { cpus, totalmem } from 'node:os'
import { fileURLToPath } from 'node:url'
import { benchCdc } from './cdc.js'
import { CDC_MEMORY_LIMIT, cdcSection, fmt, replaceCdcSection } from './cdc-section.js'
import { benchColumnar } from './columnar.js'
import { columnarSection } from './columnar-section.js'
import { benchEndToEnd, type EndToEndResult } from './end-to-end.js'
import { benchMemory, compileForBench, type PushChildResult } from './memory.js'
import { runOnly } from './only.js'
import { benchPackaging, type PackagingResult } from './packaging.js'
import { benchRowObjects, rowObjectsSection } from './row-objects.js'
import { benchUpload, type UploadResult } from './upload.js'

/** Heading of the hand-kept part of results.md, which `npm run bench` never rewrites. */
const DESIGN_MEASUREMENTS = '## Measurements behind design choices'

const quick = process.argv.includes('--quick')
// --cdc runs only the nightly CDC line; a full --cdc run replaces that section of bench/results.md.
const cdcOnly = process.argv.includes('--cdc')
// --rounds=N sets the CDC rounds (default 3 full, 1 quick): one 10M-row round takes minutes on 2 cores.
const cdcRounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice(9) ?? (quick ? 1 : 3))
/** `--only rows|parquet|arrow|columnar|rss` runs just those lines and only prints (see bench/only.ts). */
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined
const SIZES = quick
  ? {
      cdc: 1_000_000,
      packaging: 200_000,
      rows: 200_000,
      uploadMB: 50,
      memory: [100_000, 1_000_000],
      e2eBase: 1_000_000,
      e2eChanges: 100_000,
      columnar: { parquet: 500_000, arrow: 200_000, rss: 1_000_000, rounds: 3 },
    }
  : {
      cdc: 10_000_000,
      packaging: 1_000_000,
      rows: 1_000_000,
      uploadMB: 200,
      memory: [1_000_000, 10_000_000],
      e2eBase: 10_000_000,
      e2eChanges: 1_000_000,
      columnar: { parquet: 5_000_000, arrow: 2_000_000, rss: 10_000_000, rounds: 5 },
    }

const log = (s: string) => process.stderr.write(`${s}\n`)
const mb = (bytes: number) => bytes / 2 ** 20

function machine(): string[] {
  const cpu = cpus()[0]?.model ?? 'unknown'
  let os = process.platform
  try {
    os = execFileSync('sh', ['-c', '. /etc/os-release && echo "$PRETTY_NAME"'], { encoding: 'utf8' }).trim() as never
  } catch {}
  return [
    `- CPU: ${cpu}, ${cpus().length} cores`,
    `- RAM: ${fmt(totalmem() / 2 ** 30, 1)} GiB`,
    `- OS: ${os}; Node ${process.version}`,
    `- Date: ${new Date().toISOString()}`,
    `- Mode: ${quick ? 'quick (small sizes)' : 'full'}`,
  ]
}

function packagingSection(r: PackagingResult): string[] {
  const rowsPerSecond = (ms: number) => r.rows / (ms / 1000)
  const ours = rowsPerSecond(r.hyperdeltaMs)
  const ref = rowsPerSecond(r.duckdbMs)
  const ratio = r.ratio
  const spread = (values: number[]) => `${fmt(Math.min(...values))}–${fmt(Math.max(...values))} ms`
  const own = r.hyperdeltaMs - r.generateMs
  return [
    '## Packaging',
    '',
    `${fmt(r.rows)} rows (id int64, 20-char text, float64, timestamp, bool) from an async iterable → change files (SNAPPY). Median of ${r.rounds} rounds; each round runs every line once, interleaved.`,
    '',
    '| | median | rounds | rows/s | output |',
    '|---|---:|---:|---:|---:|',
    `| hyperdelta writeChangeFiles (default: pages compressed on a worker thread, ${r.snappy} SNAPPY) | ${fmt(r.hyperdeltaMs)} ms | ${spread(r.hyperdeltaAll)} | ${fmt(ours)} | ${fmt(mb(r.bytes), 1)} MB in ${r.files} file(s) |`,
    `| hyperdelta, \`compressionThreads: 0\` (all on the calling thread) | ${fmt(r.inThreadMs)} ms | | ${fmt(rowsPerSecond(r.inThreadMs))} | same bytes |`,
    `| hyperdelta, \`snappy: 'js'\` (snappyjs on the worker: where the native binding is missing) | ${fmt(r.jsSnappyMs)} ms | | ${fmt(rowsPerSecond(r.jsSnappyMs))} | |`,
    `| hyperdelta, the same rows from a synchronous generator (no await per row; not the headline) | ${fmt(r.syncInputMs)} ms | | ${fmt(rowsPerSecond(r.syncInputMs))} | |`,
    `| DuckDB \`COPY (…) TO 'x.parquet'\` (reference, 2 threads) | ${fmt(r.duckdbMs)} ms | ${spread(r.duckdbAll)} | ${fmt(ref)} | ${fmt(mb(r.duckdbBytes), 1)} MB (data pages) |`,
    '',
    `**Ratio ${fmt(ratio, 2)}× (target ≥ 0.5×): ${ratio >= 0.5 ? 'met' : 'NOT met'}.** The ratio is the median over the rounds of DuckDB's time / hyperdelta's time in the same round (per round: ${r.hyperdeltaAll.map((ms, i) => fmt(r.duckdbAll[i]! / ms, 2)).join(', ')}).`,
    '',
    "Where hyperdelta's time goes:",
    '',
    `- the caller's async generator producing the row objects (timed alone): ${fmt(r.generateMs)} ms (${fmt((100 * r.generateMs) / r.hyperdeltaMs)}%)`,
    `- hyperdelta itself (validation, columns, pages, size accounting, file I/O; compression overlapped on a worker): ${fmt(own)} ms (${fmt((100 * own) / r.hyperdeltaMs)}%) — alone that is ${fmt(rowsPerSecond(own) / ref, 2)}× DuckDB`,
    `- for comparison, hyparquet-writer's \`ParquetWriter.write\` on the same rows as ready-made columns (the encoder used before): ${fmt(r.encodeOnlyMs)} ms — ${fmt(rowsPerSecond(r.encodeOnlyMs) / ref, 2)}× DuckDB on its own`,
    '',
  ]
}

function uploadSection(r: UploadResult): string[] {
  const ours = mb(r.bytes) / (r.clientMs / 1000)
  const ref = mb(r.bytes) / (r.curlMs / 1000)
  const ratio = ours / ref
  return [
    '## Upload',
    '',
    `A ${fmt(mb(r.bytes))} MB file into the emulator (its own process) in 64 MiB multipart/mixed parts; best of ${r.runs} runs each.`,
    '',
    '| | time | MB/s |',
    '|---|---:|---:|',
    `| TableauClient.uploadFile | ${fmt(r.clientMs)} ms | ${fmt(ours)} |`,
    `| curl -T, same bodies, same endpoint (reference) | ${fmt(r.curlMs)} ms | ${fmt(ref)} |`,
    '',
    `**Ratio ${fmt(ratio, 2)}× (target ≥ 0.9×): ${ratio >= 0.9 ? 'met' : 'NOT met'}.** Reference: ${r.curlVersion.split(' ').slice(0, 2).join(' ')}.`,
    '',
  ]
}

const CAPPED_HEAP = ['--max-old-space-size=64']

function memorySection(all: (PushChildResult & { nodeFlags: string })[]): string[] {
  const rs = all.filter((r) => r.nodeFlags === '')
  const capped = all.filter((r) => r.nodeFlags !== '')
  const [small, big] = rs
  const flat = big && small ? big.maxRssMB / small.maxRssMB : Number.NaN
  return [
    '## Memory',
    '',
    'Peak RSS (its own high-water mark, VmHWM) of a child process that packages and pushes rows from an async iterable (insert; emulator in another process; the child runs the project compiled to plain JS by tsc, as users run the built package — no TypeScript loader in the measured process).',
    '',
    '| rows | node flags | peak RSS | files | packaging | upload | job (client-observed) |',
    '|---:|---|---:|---:|---:|---:|---:|',
    ...all.map(
      (r) =>
        `| ${fmt(r.rows)} | ${r.nodeFlags || '(default)'} | ${fmt(r.maxRssMB)} MB | ${r.requests} | ${fmt(r.packagingMs)} ms | ${fmt(r.uploadMs)} ms | ${fmt(r.jobMs)} ms |`,
    ),
    '',
    `**Peak ${fmt(Math.max(...rs.map((r) => r.maxRssMB)))} MB (target ≤ 256 MB): ${rs.every((r) => r.maxRssMB <= 256) ? 'met' : 'NOT met'}; ` +
      `${fmt(big?.rows ?? 0)} / ${fmt(small?.rows ?? 0)} rows = ${fmt(flat, 2)}× the memory (flat means ≈ 1×).**`,
    '',
    `With the V8 old space capped (${CAPPED_HEAP.join(' ')}) the same pushes peak at ` +
      `${capped.map((r) => `${fmt(r.maxRssMB)} MB (${fmt(r.rows)} rows)`).join(', ')}: what is retained is small and flat; ` +
      'the default-flag peak is V8 letting the heap grow under a high allocation rate (row objects, strings, BigInts), not data kept.',
    '',
  ]
}

function e2eSection(r: EndToEndResult): string[] {
  const client = r.push.packagingMs + r.push.uploadMs
  return [
    '## End to end',
    '',
    `Upsert of ${fmt(r.push.rows)} rows (half updates, half new) into a ${fmt(r.baseRows)}-row emulator data source; ` +
      `pushed by a child process, emulator in another process. Final row count checked: ${fmt(r.finalRows)}.`,
    '',
    '| phase | time |',
    '|---|---:|',
    `| client: packaging | ${fmt(r.push.packagingMs)} ms |`,
    `| client: upload (${fmt(mb(r.push.bytes), 1)} MB) | ${fmt(r.push.uploadMs)} ms |`,
    `| emulator: PATCH received → job done | ${fmt(r.emulatorJobMs)} ms |`,
    `| client-observed job wait (polling 0.5 s, ×1.4) | ${fmt(r.push.jobMs)} ms |`,
    `| whole child process (sign-in → sign-out) | ${fmt(r.push.totalMs)} ms |`,
    '',
    `**Split: client ${fmt(client)} ms (${fmt((100 * client) / (client + r.emulatorJobMs))}%), emulator ${fmt(r.emulatorJobMs)} ms ` +
      `(${fmt((100 * r.emulatorJobMs) / (client + r.emulatorJobMs))}%).** Peak RSS of the pushing process: ${fmt(r.push.maxRssMB)} MB.`,
    '',
  ]
}

if (cdcOnly) {
  // --rows=N measures another size (only prints: results.md keeps the default size).
  const rowsArg = process.argv.find((a) => a.startsWith('--rows='))?.slice(7)
  const cdcRows = rowsArg ? Number(rowsArg) : SIZES.cdc
  log(`nightly CDC ${fmt(cdcRows)} rows (${quick ? 'quick' : 'full'})…`)
  await compileForBench()
  const lines = cdcSection(await benchCdc(cdcRows, cdcRounds, CDC_MEMORY_LIMIT, log))
  process.stdout.write(`${lines.join('\n')}\n`)
  if (!quick && !rowsArg) await replaceCdcSection(lines, log)
  process.exit(0)
}

const sections: string[] = []
log(`bench (${quick ? 'quick' : 'full'}${only ? `, only ${only}` : ''})`)
if (only !== undefined) {
  const lines = await runOnly(only, process.argv, SIZES.columnar, log)
  process.stdout.write(`${[...machine(), '', ...lines].join('\n')}\n`)
  process.exit(0)
}
log(`packaging ${fmt(SIZES.packaging)} rows…`)
sections.push(...packagingSection(await benchPackaging(SIZES.packaging, quick ? 3 : 21)))
log(`upload ${SIZES.uploadMB} MB…`)
sections.push(...uploadSection(await benchUpload(SIZES.uploadMB, 3)))
log(`row objects ${fmt(SIZES.rows)} rows…`)
sections.push(...rowObjectsSection(await benchRowObjects(SIZES.rows, SIZES.columnar.rounds)))
log('compiling the measured child to bench/out…')
await compileForBench()
log('columnar inputs…')
sections.push(...columnarSection(await benchColumnar(SIZES.columnar)))
const memory: (PushChildResult & { nodeFlags: string })[] = []
for (const flags of [[], CAPPED_HEAP]) {
  for (const rows of SIZES.memory) {
    log(`memory ${fmt(rows)} rows ${flags.join(' ')}…`)
    memory.push(await benchMemory(rows, 'insert', flags))
  }
}
sections.push(...memorySection(memory))
log(`end to end ${fmt(SIZES.e2eChanges)} into ${fmt(SIZES.e2eBase)}…`)
sections.push(...e2eSection(await benchEndToEnd(SIZES.e2eBase, SIZES.e2eChanges)))
log(`nightly CDC ${fmt(SIZES.cdc)} rows…`)
sections.push(...cdcSection(await benchCdc(SIZES.cdc, cdcRounds, CDC_MEMORY_LIMIT, log)))

const text = [
  '# hyperdelta benchmarks',
  '',
  'Written by `npm run bench` (bench/run.ts). Each figure is a ratio against a reference measured in the same run on the same data.',
  '',
  '## Machine',
  '',
  ...machine(),
  '',
  ...sections,
].join('\n')
process.stdout.write(`${text}\n`)
if (process.argv.includes('--write') && !quick) {
  const out = fileURLToPath(new URL('./results.md', import.meta.url))
  // The hand-kept section (measurements behind design choices, cited by code comments) survives every run.
  const previous = await readFile(out, 'utf8').catch(() => '')
  const kept = previous.indexOf(DESIGN_MEASUREMENTS)
  // That section alone: a section after it is an old run's, which this run has just measured again.
  const next = kept < 0 ? -1 : previous.indexOf('\n## ', kept + DESIGN_MEASUREMENTS.length)
  const handKept = kept < 0 ? '' : previous.slice(kept, next < 0 ? undefined : next).trimEnd()
  await writeFile(out, handKept === '' ? `${text}\n` : `${text}\n\n${handKept}\n`)
  log(`written to ${out}`)
}

// The scheduling recipes of docs/scale.md (registered by scheduling-*.test.ts), run as written (see scheduling-recipes.ts) against the emulator, night after
// night on one state dir each: night 1; night 2 with new inputs; a rerun of night 2; night 3 SIGKILLed
// mid-upload, its rerun SIGKILLed mid-wait, then rerun. The batch is insert-only, so a request applied twice
// shows as duplicate rows; the table is read back from DuckDB after every step.
import { type ChildProcess, spawn } from 'node:child_process'
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Emulator, startEmulator } from '../../../src/emulator/index.js'
import { tableFromParquet, writeChangeFiles } from '../../../src/index.js'
import { readJournal } from '../../../src/plan/journal.js'
import { stateDirLayout } from '../../../src/plan/state-dir.js'
import { repoRoot, writeCliShim, writeSourcePaths } from '../../helpers/spawn-cli.js'
import { byId, changes, type Item, itemRows, items } from '../reliability/helpers.js'
import { type HoldingProxy, startHoldingProxy } from '../reliability/holding-proxy.js'
import { readmeBlocks } from './readme-blocks.js'
import { airflowRecipe, cronJobRecipe, indexedJobRecipe, type Place, type Recipe } from './scheduling-recipes.js'

const PAT = { name: 'etl', secret: 'recipes-pat-secret-5e6f7a8b' }
const tsx = import.meta.resolve('tsx')
const blocks = readmeBlocks(await readFile(join(repoRoot, 'docs/scale.md'), 'utf8'), 'docs/scale.md')

let root: string
let emu: Emulator
let proxy: HoldingProxy
let binDir: string
let place: Place
const base = itemRows(1, 10)

/** What an Airflow worker or a Job's secret gives the process besides the recipe's own env. */
const workerEnv = () => ({
  TABLEAU_SITE: 'marketing',
  TABLEAU_PAT_NAME: PAT.name,
  TABLEAU_PAT_SECRET_FILE: place.secretFile,
})
const recipes: Array<[string, () => Recipe]> = [
  ['Kubernetes CronJob', () => cronJobRecipe(blocks, place)],
  ['Kubernetes Indexed Job', () => indexedJobRecipe(blocks, place, 1, workerEnv())],
  ['Airflow BashOperator', () => airflowRecipe(blocks, place, 'Returns', workerEnv())],
]

interface Run {
  child: ChildProcess
  out: () => string
  exit: Promise<number | NodeJS.Signals>
}

function start(argv: readonly string[], env: Record<string, string>): Run {
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: root,
    env: { PATH: `${binDir}:${process.env.PATH}`, HOME: process.env.HOME, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout!.on('data', (d) => {
    out += d
  })
  child.stderr!.on('data', (d) => {
    out += d
  })
  const exit = new Promise<number | NodeJS.Signals>((ok) => child.on('exit', (code, signal) => ok(code ?? signal!)))
  return { child, out: () => out, exit }
}

/** SIGKILL the whole process group (a shell recipe's `hyperdelta` too), as a node loss would. */
async function kill(run: Run): Promise<void> {
  process.kill(-run.child.pid!, 'SIGKILL')
  await run.exit
}

async function until(check: () => Promise<boolean>, what: string, run: Run): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`timed out waiting for ${what}: ${run.out()}`)
}

/** One lane of a recipe: how a night's inputs are written, how the recipe starts, what the table must hold. */
interface Nights<R> {
  stateDir: string
  writeNight(rows: R[]): Promise<void>
  start(): Run
  /** The report of a run that ended: each request's outcome. */
  outcomes(out: string): string[]
  table(): Promise<unknown[]>
  expected(pushed: R[]): unknown[]
  rows(from: number, count: number, tag: string): R[]
}

async function runNights<R>(lane: Nights<R>): Promise<void> {
  const layout = stateDirLayout(lane.stateDir)
  const pushed: R[] = []
  const ends = async () => {
    const run = lane.start()
    const code = await run.exit
    expect(code, run.out()).toBe(0)
    return lane.outcomes(run.out())
  }
  // Night 1, night 2 with new inputs, a rerun of night 2 (sends nothing).
  for (const [n, rows] of [lane.rows(100, 20, 'n1-'), lane.rows(200, 20, 'n2-')].entries()) {
    await lane.writeNight(rows)
    expect(await ends(), `night ${n + 1}`).toEqual(['applied'])
    pushed.push(...rows)
    expect(await lane.table()).toEqual(lane.expected(pushed))
  }
  expect(await ends()).toEqual(['already-applied'])
  expect(await lane.table()).toEqual(lane.expected(pushed))

  // Night 3: killed mid-upload, its rerun killed mid-wait, then rerun.
  const night3 = lane.rows(300, 800, 'n3-')
  await lane.writeNight(night3)
  const held = proxy.holdNext({
    method: 'PUT',
    path: /\/fileUploads\/[^/?]+/,
    point: { at: 'mid-body', afterBytes: 200_000 },
  })
  const midUpload = lane.start()
  await Promise.race([held, midUpload.exit.then((c) => Promise.reject(new Error(`exited ${c}: ${midUpload.out()}`)))])
  await kill(midUpload)
  expect(await lane.table()).toEqual(lane.expected(pushed))
  emu.faults.slowJobs({ extraDelayMs: 4000, times: 1 })
  const midWait = lane.start()
  await until(
    async () => (await readJournal(layout.journal))?.requests.some((r) => r.state === 'submitted') ?? false,
    'the job to be submitted',
    midWait,
  )
  await kill(midWait)
  try {
    expect(await ends()).toEqual(['applied'])
  } finally {
    emu.faults.clear()
  }
  pushed.push(...night3)
  expect(await lane.table()).toEqual(lane.expected(pushed))
  // Nothing of the killed runs is left: no temp files, no lock; nights 1 and 2 are in the history.
  expect(await readdir(layout.tmp)).toEqual([])
  expect((await readdir(layout.path)).sort()).toEqual(['history', 'journal.json', 'tmp'])
  expect(await readdir(layout.history)).toHaveLength(2)
}

const insertBatch = {
  actions: [{ action: 'insert', 'source-table': 'changes', 'target-schema': 'Extract', 'target-table': 'Extract' }],
}

/**
 * Registers the recipes named in `select` (and the in-process lanes loop when asked), each file with its own
 * emulator and proxy, so the recipes can run in two test files side by side.
 */
export function schedulingSuite(select: { recipes: readonly string[]; lanes: boolean }): void {
  const unknown = select.recipes.filter((name) => !recipes.some(([r]) => r === name))
  if (unknown.length > 0) throw new Error(`no scheduling recipe named ${unknown.join(', ')}`)
  beforeAll(async () => {
    // Inside the checkout (gitignored), so the lanes block's `import … from 'hyperdelta'` resolves (writeSourcePaths).
    root = await mkdtemp(join(repoRoot, '.readme-test-recipes-'))
    await writeSourcePaths(root)
    emu = await startEmulator({
      port: 0,
      dataDir: join(root, 'emu'),
      sites: ['', 'marketing'],
      jobDelayMs: 5,
      users: [{ name: 'admin', pat: PAT }],
    })
    proxy = await startHoldingProxy(emu.url)
    binDir = await writeCliShim(root)
    const secretFile = join(root, 'pat-secret')
    await writeFile(secretFile, `${PAT.secret}\n`)
    place = { root, server: proxy.url, secretFile }
  }, 60_000)
  afterAll(async () => {
    await proxy?.close()
    await emu?.close()
    if (root) await rm(root, { recursive: true, force: true })
  })

  describe('docs/scale.md scheduling recipes, night after night, as written', () => {
    it.each(recipes.filter(([name]) => select.recipes.includes(name)))(
      '%s',
      async (_, make) => {
        const recipe = make()
        expect(recipe.argv.join(' ')).toContain('--state-dir')
        await mkdir(dirname(recipe.batch), { recursive: true })
        await writeFile(recipe.batch, JSON.stringify(insertBatch))
        await emu.createDatasource({
          name: recipe.datasource,
          ...(recipe.project !== undefined && { project: recipe.project }),
          site: 'marketing',
          table: items,
          rows: base,
        })
        await runNights<Item>({
          stateDir: recipe.stateDir,
          writeNight: async (rows) => {
            const files = await writeChangeFiles(changes, rows, { dir: root })
            await mkdir(dirname(recipe.input), { recursive: true })
            await copyFile(files.files[0]!.path, recipe.input)
            await files.dispose()
          },
          start: () => start(recipe.argv, recipe.env),
          outcomes: (out) =>
            JSON.parse(out.slice(out.indexOf('{'))).requests.map((r: { outcome: string }) => r.outcome),
          // Insert-only: a request applied twice shows as duplicate rows.
          table: () => emu.query(`SELECT id, body FROM "${recipe.datasource}"."Extract"."Extract" ORDER BY id`),
          expected: (pushed) => byId([...base, ...pushed]),
          rows: itemRows,
        })
      },
      240_000,
    )

    // Registered only where asked, so the other file does not list it as skipped.
    if (select.lanes)
      it('the in-process lanes loop (pushChanges with stateDir)', async () => {
        const code = blocks.find((b) => b.lang === 'ts' && b.code.includes('const pushOne = async'))!.code
        expect(code).toContain('stateDir:')
        const parquet = join(repoRoot, 'samples/data/orders-day0.parquet')
        const table = await tableFromParquet(parquet, { schema: 'Extract', name: 'Extract' })
        await emu.createDatasource({ name: 'Lane', table, parquet })
        const read = () => emu.query('SELECT id, customer FROM "Lane"."Extract"."Extract" ORDER BY id')
        const day0 = (await read()) as Array<{ id: bigint; customer: string }>
        // The page's block after the prelude it leaves to the reader (its `lanes`), read from a file per night.
        const file = join(root, 'lanes.mts')
        await writeFile(
          file,
          [
            "import { readFileSync } from 'node:fs'",
            "const lanes = JSON.parse(readFileSync('lanes.json', 'utf8'), (k, v) => (k === 'id' ? BigInt(v) : v))",
            code.replaceAll('https://tableau.example.com', place.server),
          ].join('\n'),
        )
        type Order = { id: bigint; customer: string; amount: null; status: string; updated_at: string }
        await runNights<Order>({
          stateDir: join(root, '.hyperdelta', 'Lane'),
          writeNight: (rows) =>
            writeFile(
              join(root, 'lanes.json'),
              JSON.stringify([{ name: 'Lane', rows }], (_k, v) => (typeof v === 'bigint' ? `${v}` : v)),
            ),
          start: () =>
            start([process.execPath, '--import', tsx, file], {
              TABLEAU_PAT_NAME: PAT.name,
              TABLEAU_PAT_SECRET: PAT.secret,
            }),
          outcomes: (out) => /^Lane (.*)$/m.exec(out)?.[1]?.split(',') ?? [out],
          // Upserts by id: the table is day 0 with every pushed row's values over it.
          table: read,
          expected: (pushed) => {
            const byKey = new Map(day0.map((r) => [r.id, r]))
            for (const r of pushed) byKey.set(r.id, { id: r.id, customer: r.customer })
            return [...byKey.values()].sort((a, b) => (a.id < b.id ? -1 : 1))
          },
          rows: (from, count, tag) =>
            itemRows(from + 100_000, count, tag).map((r) => ({
              id: BigInt(r.id),
              customer: r.body,
              amount: null,
              status: 'open',
              updated_at: '2026-11-22T00:00:00Z',
            })),
        })
      }, 240_000)
  })
}

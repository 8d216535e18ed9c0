// The README's scheduling recipes, run as written (see scheduling-recipes.ts) against the emulator, night after
// night on one state dir each: night 1; night 2 with new inputs; a rerun of night 2; night 3 SIGKILLed
// mid-upload, its rerun SIGKILLed mid-wait, then rerun. The batch is insert-only, so a request applied twice
// shows as duplicate rows; the table is read back from DuckDB after every step.
import { type ChildProcess, spawn } from 'node:child_process'
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Emulator, startEmulator } from '../../../src/emulator/index.js'
import { readJournal, stateDirLayout, writeChangeFiles } from '../../../src/index.js'
import { repoRoot, writeCliShim } from '../../helpers/spawn-cli.js'
import { byId, changes, type Item, itemRows, items } from '../reliability/helpers.js'
import { type HoldingProxy, startHoldingProxy } from '../reliability/holding-proxy.js'
import { readmeBlocks } from './readme-blocks.js'
import { airflowRecipe, cronJobRecipe, indexedJobRecipe, type Place, type Recipe } from './scheduling-recipes.js'

const PAT = { name: 'etl', secret: 'recipes-pat-secret-5e6f7a8b' }
const blocks = readmeBlocks(await readFile(join(repoRoot, 'README.md'), 'utf8'))

let root: string
let emu: Emulator
let proxy: HoldingProxy
let binDir: string
let place: Place
const base = itemRows(1, 10)

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hd-recipes-'))
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

function start(recipe: Recipe): Run {
  const child = spawn(recipe.argv[0]!, recipe.argv.slice(1), {
    cwd: root,
    env: { PATH: `${binDir}:${process.env.PATH}`, HOME: process.env.HOME, ...recipe.env },
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

async function runToEnd(recipe: Recipe): Promise<{ outcome: string; requests: { outcome: string }[] }> {
  const run = start(recipe)
  const code = await run.exit
  expect(code, run.out()).toBe(0)
  return JSON.parse(run.out().slice(run.out().indexOf('{')))
}

async function writeNight(recipe: Recipe, rows: Item[]): Promise<void> {
  const files = await writeChangeFiles(changes, rows, { dir: root })
  await mkdir(dirname(recipe.input), { recursive: true })
  await copyFile(files.files[0]!.path, recipe.input)
  await files.dispose()
}

async function until(check: () => Promise<boolean>, what: string, run: Run): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`timed out waiting for ${what}: ${run.out()}`)
}

describe('README scheduling recipes, night after night, as written', () => {
  it.each(recipes)(
    '%s',
    async (_, make) => {
      const recipe = make()
      expect(recipe.argv.join(' ')).toContain('--state-dir')
      await mkdir(dirname(recipe.batch), { recursive: true })
      await writeFile(
        recipe.batch,
        JSON.stringify({
          actions: [
            { action: 'insert', 'source-table': 'changes', 'target-schema': 'Extract', 'target-table': 'Extract' },
          ],
        }),
      )
      await emu.createDatasource({
        name: recipe.datasource,
        ...(recipe.project !== undefined && { project: recipe.project }),
        site: 'marketing',
        table: items,
        rows: base,
      })
      const table = async () =>
        (await emu.query(`SELECT id, body FROM "${recipe.datasource}"."Extract"."Extract" ORDER BY id`)) as Item[]
      const expected: Item[] = [...base]
      const layout = stateDirLayout(recipe.stateDir)

      // Night 1, night 2 with new inputs, a rerun of night 2.
      for (const [n, rows] of [itemRows(100, 20, 'n1-'), itemRows(200, 20, 'n2-')].entries()) {
        await writeNight(recipe, rows)
        expect((await runToEnd(recipe)).outcome, `night ${n + 1}`).toBe('succeeded')
        expected.push(...rows)
        expect(await table()).toEqual(byId(expected))
      }
      const rerun = await runToEnd(recipe)
      expect(rerun.requests.map((r) => r.outcome)).toEqual(['already-applied'])
      expect(await table()).toEqual(byId(expected))

      // Night 3: killed mid-upload, its rerun killed mid-wait, then rerun.
      const night3 = itemRows(300, 800, 'n3-')
      await writeNight(recipe, night3)
      const held = proxy.holdNext({
        method: 'PUT',
        path: /\/fileUploads\/[^/?]+/,
        point: { at: 'mid-body', afterBytes: 200_000 },
      })
      const midUpload = start(recipe)
      await Promise.race([
        held,
        midUpload.exit.then((c) => Promise.reject(new Error(`exited ${c}: ${midUpload.out()}`))),
      ])
      await kill(midUpload)
      expect(await table()).toEqual(byId(expected))

      emu.faults.slowJobs({ extraDelayMs: 4000, times: 1 })
      const midWait = start(recipe)
      await until(
        async () => (await readJournal(layout.journal))?.requests.some((r) => r.state === 'submitted') ?? false,
        'the job to be submitted',
        midWait,
      )
      await kill(midWait)
      const last = await runToEnd(recipe)
      emu.faults.clear()
      expect(last.outcome).toBe('succeeded')
      expected.push(...night3)
      expect(await table()).toEqual(byId(expected))
      // Nothing of the killed runs is left: no temp files, no lock; nights 1 and 2 are in the history.
      expect(await readdir(layout.tmp)).toEqual([])
      expect((await readdir(layout.path)).sort()).toEqual(['history', 'journal.json', 'tmp'])
      expect(await readdir(layout.history)).toHaveLength(2)
    },
    240_000,
  )
})

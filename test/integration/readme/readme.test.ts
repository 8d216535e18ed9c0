// Every fenced block of the README runs, in order, against a local emulator: the README cannot drift.
// Markers and conventions: see readme-blocks.ts.
import { execFile, spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Emulator, startEmulator } from '../../../src/emulator/index.js'
import { TableauClient, tableFromParquet } from '../../../src/index.js'
import { childEnv, ENTRY_SOURCES, repoRoot, writeCliShim, writeSourcePaths } from '../../helpers/spawn-cli.js'
import { DATA_LANGS, type ReadmeBlock, RUN_LANGS, RUNNERS, readmeBlocks } from './readme-blocks.js'

const blocks = readmeBlocks(await readFile(join(repoRoot, 'README.md'), 'utf8'))
const PAT = { name: 'etl', secret: 'readme-pat-secret' }
const tsx = import.meta.resolve('tsx')
const vitest = join(repoRoot, 'node_modules/vitest/vitest.mjs')

let emu: Emulator
let work: string
let env: NodeJS.ProcessEnv
let tsEnv: NodeJS.ProcessEnv
/** Real-server values in the README → the emulator's. */
let substitutions: [string, string][]

beforeAll(async () => {
  // Inside the checkout, so blocks resolve the packages it installed (pino, …); gitignored, removed after.
  work = await mkdtemp(join(repoRoot, '.readme-test-'))
  emu = await startEmulator({
    port: 0,
    dataDir: join(work, 'server'),
    sites: ['', 'marketing'],
    jobDelayMs: 5,
    users: [{ name: 'admin', password: 'pw', pat: PAT }],
  })
  const parquet = join(repoRoot, 'samples/data/orders-day0.parquet')
  const table = await tableFromParquet(parquet, { schema: 'Extract', name: 'Extract' })
  await emu.createDatasource({ name: 'Orders', project: 'Sales', site: 'marketing', table, parquet })
  // A finished job for the `job wait` / `job cancel` lines.
  const client = await TableauClient.signIn({ server: emu.url, site: 'marketing', auth: { personalAccessToken: PAT } })
  const ds = await client.findDatasource({ name: 'Orders', project: 'Sales' })
  const job = await client.updateData({
    datasource: ds.id,
    requestId: 'readme-job',
    actions: {
      actions: [
        {
          action: 'delete',
          'target-schema': 'Extract',
          'target-table': 'Extract',
          condition: { op: 'lt', 'target-col': 'id', const: { type: 'integer', v: '-1' } },
        },
      ],
    },
  })
  await client.waitForJob(job.id)
  await client.close()

  const secretFile = join(work, 'tableau-pat')
  await writeFile(secretFile, `${PAT.secret}\n`)
  substitutions = [
    ['https://tableau.example.com', emu.url],
    ['/run/secrets/tableau-pat', secretFile],
    ['--port 8787', '--port 0'],
    ['npx hyperdelta', 'hyperdelta'],
  ]
  // `hyperdelta` on PATH runs this checkout's CLI; `import … from 'hyperdelta'` resolves to its sources.
  const binDir = await writeCliShim(work)
  await writeSourcePaths(work)
  // vitest resolves through vite, which does not read tsconfig paths: the same mapping as exact-match aliases.
  const aliases = ENTRY_SOURCES.map(
    ([name, file]) => `{ find: new RegExp(${JSON.stringify(`^${name}$`)}), replacement: ${JSON.stringify(file)} }`,
  )
  await writeFile(
    join(work, 'vitest.readme.config.mts'),
    `export default { resolve: { alias: [${aliases.join(', ')}] }, test: { testTimeout: 60_000 } }\n`,
  )
  await symlink(join(repoRoot, 'samples'), join(work, 'samples'))
  for (const b of blocks) if (b.file) await writeFile(join(work, b.file), `${substitute(b.code)}\n`)
  // Shell blocks set their own TABLEAU_* variables (as the README shows); TS blocks read the PAT from env.
  env = childEnv({ PATH: `${binDir}:${process.env.PATH}`, JOB_ID: job.id })
  tsEnv = { ...env, TABLEAU_PAT_NAME: PAT.name, TABLEAU_PAT_SECRET: PAT.secret }
}, 120_000)

afterAll(async () => {
  await emu?.close()
  if (work) await rm(work, { recursive: true, force: true })
})

function substitute(code: string): string {
  let out = code
  for (const [from, to] of substitutions) out = out.replaceAll(from, to)
  return out
}

function run(command: string, args: string[], runEnv = env): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: work, env: runEnv, timeout: 150_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, output: stdout + stderr })
    })
  })
}

async function runBackground(block: ReadmeBlock): Promise<{ code: number | null; output: string }> {
  const child = spawn('bash', ['-euo', 'pipefail', '-c', substitute(block.code)], { cwd: work, env, detached: true })
  let output = ''
  child.stdout.on('data', (d) => {
    output += d
  })
  child.stderr.on('data', (d) => {
    output += d
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  const ready = await Promise.race([
    new Promise<boolean>((resolve) => {
      const timer = setInterval(() => {
        if (!block.background!.test(output)) return
        clearInterval(timer)
        resolve(true)
      }, 100)
      void exited.then(() => clearInterval(timer))
    }),
    exited.then(() => false),
  ])
  if (ready) process.kill(-child.pid!, 'SIGTERM')
  return { code: await exited, output }
}

async function runBlock(block: ReadmeBlock): Promise<{ code: number | null; output: string }> {
  if (block.lang === 'sh') {
    if (block.background) return runBackground(block)
    return run('bash', ['-euo', 'pipefail', '-c', substitute(block.code)])
  }
  const code = [...block.prelude, substitute(block.code), ...block.after].join('\n')
  if (block.runner === 'vitest') {
    const file = `readme-line-${block.line}.test.ts`
    await writeFile(join(work, file), code)
    return run(process.execPath, [vitest, 'run', '--config', 'vitest.readme.config.mts', file], tsEnv)
  }
  const file = join(work, `readme-line-${block.line}.mts`)
  await writeFile(file, code)
  return run(process.execPath, ['--import', tsx, file], tsEnv)
}

describe('README', () => {
  it('every block names a language the test knows; every skip says why', () => {
    for (const b of blocks) {
      expect([...RUN_LANGS, ...DATA_LANGS], `README line ${b.line}`).toContain(b.lang)
      if (b.runner !== undefined) expect(RUNNERS, `README line ${b.line}`).toContain(b.runner)
      if (b.skip !== undefined)
        expect(b.skip.length, `README line ${b.line}: skip without a reason`).toBeGreaterThan(10)
    }
    expect(blocks.filter((b) => b.lang === 'ts' && !b.skip).length).toBeGreaterThan(5)
    expect(blocks.filter((b) => b.lang === 'sh' && !b.skip).length).toBeGreaterThan(1)
  })

  const runnable = blocks.filter((b) => (RUN_LANGS as readonly string[]).includes(b.lang) && b.skip === undefined)
  it.each(runnable.map((b) => [`line ${b.line} (${b.lang})`, b] as const))(
    'block at %s runs and exits 0',
    async (_name, block) => {
      const result = await runBlock(block)
      expect(result.code, result.output).toBe(0)
    },
    180_000,
  )
})

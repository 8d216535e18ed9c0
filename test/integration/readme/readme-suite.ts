// Every fenced block of README.md and docs/*.md runs (this suite, split across the readme-*.test.ts files so
// the pages spread over vitest's workers), in order, each page against its own local emulator
// started with the defaults `hyperdelta emulator` documents (default site, project Default, PAT local): the docs
// cannot drift, and nothing here creates a site, project or job the page does not. Markers and conventions:
// see readme-blocks.ts.
import { execFile, spawn } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Emulator, startEmulator } from '../../../src/emulator/index.js'
import { tableFromParquet } from '../../../src/index.js'
import { childEnv, ENTRY_SOURCES, repoRoot, writeCliShim, writeSourcePaths } from '../../helpers/spawn-cli.js'
import { DATA_LANGS, type ReadmeBlock, RUN_LANGS, RUNNERS, readmeBlocks } from './readme-blocks.js'

const DOCUMENTS = [
  'README.md',
  ...(await readdir(join(repoRoot, 'docs')))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
]
export const pages = await Promise.all(
  DOCUMENTS.map(async (doc) => ({ doc, blocks: readmeBlocks(await readFile(join(repoRoot, doc), 'utf8'), doc) })),
)
/** What `hyperdelta emulator` accepts by default (src/cli/emulator-command.ts): the docs use exactly these. */
const DEFAULTS = {
  url: 'http://127.0.0.1:8787',
  user: 'admin',
  password: 'admin',
  pat: { name: 'local', secret: 'local-secret' },
}
/** The data sources a page's emulator starts with: its `hyperdelta emulator --publish` flags, else the walkthrough's. */
const WALKTHROUGH_PUBLISH = [['Orders', 'samples/data/orders-day0.parquet']] as const
const tsx = import.meta.resolve('tsx')
const vitest = join(repoRoot, 'node_modules/vitest/vitest.mjs')

const isRunnable = (b: ReadmeBlock) => (RUN_LANGS as readonly string[]).includes(b.lang) && b.skip === undefined

/** The pages shard `shard` of `shards` runs: pages dealt out by their runnable blocks, heaviest first. */
function shardOf(shard: number, shards: number): typeof pages {
  const load = Array.from({ length: shards }, () => 0)
  const picked: (typeof pages)[] = Array.from({ length: shards }, () => [])
  const weight = (p: (typeof pages)[number]) => p.blocks.filter(isRunnable).length
  for (const page of [...pages].sort((a, b) => weight(b) - weight(a) || a.doc.localeCompare(b.doc))) {
    const i = load.indexOf(Math.min(...load))
    load[i]! += weight(page)
    picked[i]!.push(page)
  }
  return picked[shard]!
}

/** Registers the blocks of shard `shard` (0-based) of `shards`; shard 0 also checks every page's markers. */
export function readmeSuite(shard: number, shards: number): void {
  const mine = shardOf(shard, shards)
  let root: string
  let binDir: string

  beforeAll(async () => {
    // Inside the checkout, so blocks resolve the packages it installed (pino, …); gitignored, removed after.
    root = await mkdtemp(join(repoRoot, '.readme-test-'))
    // `hyperdelta` on PATH runs this checkout's CLI.
    binDir = await writeCliShim(root)
  }, 60_000)

  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true })
  })

  /** One page's world: its emulator, its working dir, its environment. */
  interface Page {
    emu: Emulator
    work: string
    env: NodeJS.ProcessEnv
    tsEnv: NodeJS.ProcessEnv
    /** Real-server and default values in the docs → this emulator's. */
    substitutions: [string, string][]
  }

  function seedsOf(blocks: readonly ReadmeBlock[]): readonly (readonly [string, string])[] {
    const emulator = blocks.find((b) => b.background && /hyperdelta emulator/.test(b.code))
    if (!emulator) return WALKTHROUGH_PUBLISH
    return [...emulator.code.matchAll(/--publish[ =](\S+?)=(\S+)/g)].map((m) => [m[1]!, m[2]!] as const)
  }

  async function openPage(doc: string, blocks: readonly ReadmeBlock[]): Promise<Page> {
    const work = join(root, doc.replace(/[^a-z0-9]+/gi, '-'))
    await mkdir(work)
    const emu = await startEmulator({
      port: 0,
      dataDir: join(work, 'server'),
      jobDelayMs: 5,
      users: [{ name: DEFAULTS.user, password: DEFAULTS.password, pat: DEFAULTS.pat }],
    })
    for (const [name, file] of seedsOf(blocks)) {
      const parquet = join(repoRoot, file)
      const table = await tableFromParquet(parquet, { schema: 'Extract', name: 'Extract' })
      await emu.createDatasource({ name, table, parquet })
    }
    const secretFile = join(work, 'tableau-pat')
    await writeFile(secretFile, `${DEFAULTS.pat.secret}\n`)
    // `import … from 'hyperdelta'` resolves to this checkout's sources.
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
    const substitutions: [string, string][] = [
      ['https://tableau.example.com', emu.url],
      [DEFAULTS.url, emu.url],
      ['/run/secrets/tableau-pat', secretFile],
      ['--port 8787', '--port 0'],
      ['npx hyperdelta', 'hyperdelta'],
      // The page's own emulator command runs too (until it listens), on a free port.
      ['hyperdelta emulator', 'hyperdelta emulator --port 0'],
    ]
    // The files any page names (the walkthrough's batch.json, a project file, …) are there for every page that uses
    // them, with the same substitutions as the commands (a project file names the server and the secret file too).
    for (const page of pages) {
      for (const b of page.blocks)
        if (b.file) await writeFile(join(work, b.file), `${replaceAll(b.code, substitutions)}\n`)
    }
    // Shell blocks set their own TABLEAU_* variables (as the docs show); TS blocks read the PAT from env.
    const env = childEnv({ PATH: `${binDir}:${process.env.PATH}` })
    return {
      emu,
      work,
      env,
      tsEnv: { ...env, TABLEAU_PAT_NAME: DEFAULTS.pat.name, TABLEAU_PAT_SECRET: DEFAULTS.pat.secret },
      substitutions,
    }
  }

  function replaceAll(code: string, substitutions: readonly (readonly [string, string])[]): string {
    let out = code
    for (const [from, to] of substitutions) out = out.replaceAll(from, to)
    return out
  }

  function substitute(page: Page, code: string): string {
    return replaceAll(code, page.substitutions)
  }

  function run(
    page: Page,
    command: string,
    args: string[],
    runEnv = page.env,
  ): Promise<{ code: number | null; output: string }> {
    return new Promise((resolve) => {
      execFile(command, args, { cwd: page.work, env: runEnv, timeout: 150_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, output: stdout + stderr })
      })
    })
  }

  async function runBackground(page: Page, block: ReadmeBlock): Promise<{ code: number | null; output: string }> {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', substitute(page, block.code)], {
      cwd: page.work,
      env: page.env,
      detached: true,
    })
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

  async function runBlock(page: Page, block: ReadmeBlock): Promise<{ code: number | null; output: string }> {
    if (block.lang === 'sh') {
      if (block.background) return runBackground(page, block)
      return run(page, 'bash', ['-euo', 'pipefail', '-c', substitute(page, block.code)])
    }
    const code = [...block.prelude, substitute(page, block.code), ...block.after].join('\n')
    if (block.runner === 'vitest') {
      const file = `block-line-${block.line}.test.ts`
      await writeFile(join(page.work, file), code)
      return run(page, process.execPath, [vitest, 'run', '--config', 'vitest.readme.config.mts', file], page.tsEnv)
    }
    const file = join(page.work, `block-line-${block.line}.mts`)
    await writeFile(file, code)
    return run(page, process.execPath, ['--import', tsx, file], page.tsEnv)
  }

  if (shard === 0) {
    it('every block names a language the test knows; every skip says why; the pages run code', () => {
      for (const { doc, blocks } of pages) {
        for (const b of blocks) {
          expect([...RUN_LANGS, ...DATA_LANGS], `${doc} line ${b.line}`).toContain(b.lang)
          if (b.runner !== undefined) expect(RUNNERS, `${doc} line ${b.line}`).toContain(b.runner)
          if (b.skip !== undefined)
            expect(b.skip.length, `${doc} line ${b.line}: skip without a reason`).toBeGreaterThan(10)
        }
      }
      const all = pages.flatMap((p) => p.blocks)
      expect(all.filter((b) => b.lang === 'ts' && !b.skip).length).toBeGreaterThan(5)
      expect(all.filter((b) => b.lang === 'sh' && !b.skip).length).toBeGreaterThan(1)
      // The front door's quick start and command-line screen run.
      const readme = pages[0]!.blocks.filter(isRunnable)
      expect(readme.map((b) => b.lang).sort()).toEqual(['sh', 'sh', 'ts'])
      // A page that starts the emulator does so before its first block that talks to it.
      for (const { doc, blocks } of pages) {
        const start = blocks.findIndex((b) => b.background && /hyperdelta emulator/.test(b.code))
        const first = blocks.findIndex((b) => isRunnable(b) && !b.background && b.code.includes(DEFAULTS.url))
        if (start >= 0 && first >= 0)
          expect(start, `${doc}: the emulator is started after line ${blocks[first]!.line}`).toBeLessThan(first)
      }
    })
  }

  // Pages are independent (each has its own emulator and folder), so they run side by side; a page's blocks run in
  // order, as a reader would run them.
  describe.concurrent('pages', () => {
    for (const { doc, blocks } of mine) {
      const runnable = blocks.filter(isRunnable)
      if (runnable.length === 0) continue
      describe.sequential(doc, () => {
        let page: Page
        beforeAll(async () => {
          page = await openPage(doc, blocks)
        }, 60_000)
        afterAll(async () => {
          await page?.emu.close()
        })
        it.each(runnable.map((b) => [`line ${b.line} (${b.lang})`, b] as const))(
          'block at %s runs and exits 0',
          async (_name, block) => {
            const result = await runBlock(page, block)
            expect(result.code, result.output).toBe(0)
          },
          180_000,
        )
      })
    }
  })
}

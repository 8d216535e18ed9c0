import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Emulator, startEmulator } from '../../../src/emulator/index.js'
import { TableauClient } from '../../../src/index.js'
import { type CliResult, runCliInProcess, startCliProcess } from '../../helpers/spawn-cli.js'
import { startHoldingProxy } from '../reliability/holding-proxy.js'

// `hyperdelta probe` and `--capabilities` through the CLI, against an emulator that rejects `or`.
const pat = { name: 'ci', secret: 's3cret-pat' }
let emu: Emulator
let dir: string

const env = (server: string) => ({ TABLEAU_SERVER: server, TABLEAU_PAT_NAME: pat.name, TABLEAU_PAT_SECRET: pat.secret })
async function cli(args: string[]): Promise<CliResult> {
  return runCliInProcess(args, env(emu.url))
}
async function scratchLeft(): Promise<string[]> {
  const rows = await emu.query(
    `SELECT database_name AS n FROM duckdb_databases() WHERE database_name LIKE 'hyperdelta-probe-%'`,
  )
  return rows.map((r) => String(r['n']))
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hd-probe-cli-'))
  emu = await startEmulator({
    jobDelayMs: 2,
    users: [{ name: 'admin', password: 'pw', pat }],
    personality: { noOrOperator: true },
  })
})
afterAll(async () => {
  await emu.close()
  await rm(dir, { recursive: true, force: true })
})

describe('hyperdelta probe', () => {
  it('prints the fact table, writes the capabilities file, deletes the scratch data sources', async () => {
    const caps = join(dir, 'caps.json')
    const r = await cli(['probe', '--project', 'Default', '--capabilities-out', caps, '--part-size-mb', '0.25'])
    expect(r.stderr).not.toContain('at ')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^fact\s+outcome/)
    expect(r.stdout).toMatch(/orJunction\s+rejected/)
    expect(r.stdout).toMatch(/parquetPayload\s+confirmed/)
    expect(r.stdout).toMatch(/uploadPartSize\s+confirmed/)
    const written = JSON.parse(await readFile(caps, 'utf8'))
    expect(written.facts.orJunction.outcome).toBe('rejected')
    const left = await emu.query(
      `SELECT count(*)::INT AS n FROM duckdb_databases() WHERE database_name LIKE 'hyperdelta-probe-%'`,
    )
    expect(left).toEqual([{ n: 0 }])
  })

  it('usage mistakes exit 2; an unknown project and a bad capabilities file exit 3', async () => {
    expect((await cli(['probe'])).code).toBe(2)
    for (const bad of [
      ['--part-size-mb', 'x'],
      ['--size', '-2'],
    ]) {
      const r = await cli(['probe', '--project', 'Default', ...bad])
      expect([r.code, r.stderr], bad.join(' ')).toEqual([2, expect.stringContaining(bad[0]!)])
    }
    const unknown = await cli(['probe', '--project', 'Nope'])
    expect([unknown.code, unknown.stderr]).toEqual([3, expect.stringContaining('Nope')])
    const bad = join(dir, 'bad.json')
    await writeFile(bad, '{"version": 9}')
    const r = await cli(['job', 'wait', 'x', '--capabilities', bad])
    expect([r.code, r.stderr]).toEqual([3, expect.stringContaining('version')])
  })

  it('SIGTERM while the scratch publish waits for its answer: exit 130, the scratch found by name and deleted', async () => {
    const proxy = await startHoldingProxy(emu.url)
    try {
      const held = proxy.holdNext({ method: 'POST', path: /\/datasources(\?|$)/, point: { at: 'after-response' } })
      const child = await startCliProcess(
        ['probe', '--project', 'Default', '--part-size-mb', '0'],
        /publishing scratch data source/,
        { env: env(proxy.url), readyOn: 'stderr' },
      )
      expect((await held).status).toBe(201)
      const name = /publishing scratch data source (\S+)/.exec(child.stderr)![1]!
      expect(await scratchLeft()).toEqual([name])
      expect(await child.stop()).toBe(130)
      expect(child.stderr).not.toContain('was not deleted')
      expect(await scratchLeft()).toEqual([])
    } finally {
      await proxy.close()
    }
  })

  it('a scratch data source that cannot be deleted is named on stderr, exit 4', async () => {
    emu.faults.respondWith({ status: 429, route: 'deleteDatasource', times: 1000, retryAfterSeconds: 0 })
    try {
      const r = await cli(['probe', '--project', 'Default', '--part-size-mb', '0'])
      expect(r.code).toBe(4)
      const left = await scratchLeft()
      expect(left).toHaveLength(2)
      for (const name of left)
        expect(r.stderr).toMatch(
          new RegExp(`scratch data source ${name} \\(.+\\) was not deleted: .*remove it by hand`),
        )
    } finally {
      emu.faults.clear()
      for (const name of await scratchLeft()) {
        const c = await TableauClient.signIn({ server: emu.url, auth: { personalAccessToken: pat } })
        await c.datasources.delete((await c.findDatasource({ name })).id)
        await c.close()
      }
    }
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EXIT } from '../../../src/cli/exit-codes.js'
import { defineTable, int64, isHyperdeltaError, type TableauClient } from '../../../src/index.js'
import { startTestEmulator, type TestEmulator } from '../../../src/testing/index.js'
import { runCliInProcess } from '../../helpers/spawn-cli.js'

// refresh({ ifQueued }) and `datasource refresh --if-queued` against the emulator whose refresh jobs stay queued:
// a second refresh meets 409093, and the queued job is found with Query Jobs + Query Job.
const table = defineTable({ schema: 'Extract', name: 'Extract' }, { id: int64() })
let emu: TestEmulator
let client: TableauClient
let ids: { a: string; b: string }
beforeAll(async () => {
  emu = await startTestEmulator({
    personality: { refreshJobsStayQueued: true },
    datasources: { A: { table, rows: [{ id: 1n }] }, B: { table, rows: [{ id: 2n }] } },
  })
  client = await emu.client()
  const list = await emu.emulator.listDatasources()
  ids = { a: list.find((d) => d.name === 'A')!.id, b: list.find((d) => d.name === 'B')!.id }
})
afterAll(async () => {
  await emu.close()
})

async function failure(p: Promise<unknown>) {
  const e = await p.then(
    () => undefined,
    (error: unknown) => error,
  )
  if (!isHyperdeltaError(e)) throw new Error(`expected a HyperdeltaError, got ${String(e)}`)
  return e
}

describe('refresh while one is queued', () => {
  it("409093: 'error' raises REFRESH_ALREADY_QUEUED; 'return-queued' returns this data source's queued job", async () => {
    const first = await client.datasources.refresh(ids.a)
    const other = await client.datasources.refresh(ids.b)
    expect((await failure(client.datasources.refresh(ids.a))).code).toBe('REFRESH_ALREADY_QUEUED')
    const queuedA = await client.datasources.refresh(ids.a, { ifQueued: 'return-queued' })
    expect(queuedA).toMatchObject({ id: first.id, type: 'RefreshExtract', datasource: { id: ids.a } })
    expect(queuedA.completedAt).toBeUndefined()
    const queuedB = await client.datasources.refresh(ids.b, { ifQueued: 'return-queued' })
    expect(queuedB.id).toBe(other.id)
  })

  it('a cancelled refresh is no longer found: a new one is started', async () => {
    const queued = await client.datasources.refresh(ids.a, { ifQueued: 'return-queued' })
    await client.cancelJob(queued.id)
    const fresh = await client.datasources.refresh(ids.a, { ifQueued: 'return-queued' })
    expect(fresh.id).not.toBe(queued.id)
  })

  it('CLI: --if-queued return-queued prints the queued job (exit 0); the default fails as today (exit 4)', async () => {
    const queued = await client.datasources.refresh(ids.b, { ifQueued: 'return-queued' })
    const env = { ...emu.env }
    const ok = await runCliInProcess(['datasource', 'refresh', ids.b, '--if-queued', 'return-queued', '--json'], env)
    expect(ok.code).toBe(EXIT.ok)
    expect(JSON.parse(ok.stdout)).toMatchObject({ id: queued.id, type: 'RefreshExtract' })
    const text = await runCliInProcess(['datasource', 'refresh', ids.b, '--if-queued', 'return-queued'], env)
    expect(text.stdout).toBe(`refresh job ${queued.id} started\n`)
    const refused = await runCliInProcess(['datasource', 'refresh', ids.b], env)
    expect(refused.code).toBe(EXIT.server)
    expect(refused.stderr).toMatch(/REFRESH_ALREADY_QUEUED/)
    const bad = await runCliInProcess(['datasource', 'refresh', ids.b, '--if-queued', 'skip'], env)
    expect(bad.code).toBe(EXIT.usage)
    expect(bad.stderr).toMatch(/--if-queued skip: error or return-queued/)
  })
})

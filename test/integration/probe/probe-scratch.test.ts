import { afterEach, describe, expect, it } from 'vitest'
import { type Emulator, startEmulator } from '../../../src/emulator/index.js'
import { isHyperdeltaError, type ScratchDatasource, TableauClient } from '../../../src/index.js'
import { probe } from '../../../src/probe/run-probe.js'
import { type HoldingProxy, startHoldingProxy } from '../reliability/holding-proxy.js'

// A probe interrupted during its scratch publish, against the emulator behind a proxy that freezes the publish:
// the scratch data source is named before the publish is sent, found by that name and deleted — or, where it
// cannot be, named in the result for the operator. Never silently left behind.
const pat = { name: 'ci', secret: 's3cret-pat' }
const PUBLISH = { method: 'POST', path: /\/datasources(\?|$)/ }
let emu: Emulator | undefined
let proxy: HoldingProxy | undefined
let client: TableauClient | undefined
afterEach(async () => {
  await client?.close()
  await proxy?.close()
  await emu?.close()
  client = proxy = emu = undefined
})

async function setup(timeouts?: { headersMs: number }) {
  emu = await startEmulator({ jobDelayMs: 2, users: [{ name: 'admin', password: 'pw', pat }] })
  proxy = await startHoldingProxy(emu.url)
  client = await TableauClient.signIn({
    server: proxy.url,
    auth: { personalAccessToken: pat },
    sleep: async () => {},
    retry: { baseDelayMs: 1, maxDelayMs: 2, conflictDelayMs: 5 },
    ...(timeouts && { timeouts }),
  })
  return { emu, proxy, client }
}

async function scratchLeft(): Promise<string[]> {
  const rows = await emu!.query(
    `SELECT database_name AS n FROM duckdb_databases() WHERE database_name LIKE 'hyperdelta-probe-%'`,
  )
  return rows.map((r) => String(r['n']))
}

describe('a probe interrupted during its scratch publish', () => {
  it('the answer never arrives, then Ctrl-C: the scratch is found by its name and deleted', async () => {
    const { proxy, client } = await setup()
    const held = proxy.holdNext({ ...PUBLISH, point: { at: 'after-response' } })
    const controller = new AbortController()
    const entries: ScratchDatasource[] = []
    const running = probe(client, {
      signal: controller.signal,
      uploadPartBytes: false,
      onScratch: (s) => void entries.push(s),
    })
    const answer = await held
    expect(answer.status).toBe(201) // the emulator created it; the client never heard
    expect(await scratchLeft()).toEqual([entries[0]!.name])
    controller.abort()
    const error = await running.then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(isHyperdeltaError(error, 'ABORTED')).toBe(true)
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatchObject({ deleted: true, id: expect.any(String) })
    expect(entries[0]!.name).toMatch(/^hyperdelta-probe-\d{4}-\d\d-\d\d-[0-9a-f]{8}$/)
    expect(await scratchLeft()).toEqual([])
  })

  it('the publish fails after it was sent (no answer in time): the scratch is found by its name and deleted', async () => {
    const { proxy, client } = await setup({ headersMs: 500 })
    void proxy.holdNext({ ...PUBLISH, point: { at: 'after-response' } })
    const entries: ScratchDatasource[] = []
    const error = await probe(client, { uploadPartBytes: false, onScratch: (s) => void entries.push(s) }).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(isHyperdeltaError(error, 'NETWORK_ERROR')).toBe(true)
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatchObject({ deleted: true, id: expect.any(String) })
    expect(await scratchLeft()).toEqual([])
  })

  it('Ctrl-C mid-body: nothing of the name exists, and the entry says so by name instead of claiming a delete', async () => {
    const { proxy, client } = await setup()
    const held = proxy.holdNext({ ...PUBLISH, point: { at: 'mid-body', afterBytes: 200 } })
    const controller = new AbortController()
    const entries: ScratchDatasource[] = []
    const running = probe(client, {
      signal: controller.signal,
      uploadPartBytes: false,
      onScratch: (s) => void entries.push(s),
    })
    await held
    controller.abort()
    const error = await running.then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(isHyperdeltaError(error, 'ABORTED')).toBe(true)
    expect(entries).toHaveLength(1)
    expect(entries[0]!.deleted).toBe(false)
    expect(entries[0]!.id).toBeUndefined()
    expect(entries[0]!.error).toMatch(/no data source of this name was found/)
    expect(await scratchLeft()).toEqual([])
  })

  it('an abort before the publish is sent names nothing and publishes nothing', async () => {
    const { client } = await setup()
    const controller = new AbortController()
    controller.abort()
    const entries: ScratchDatasource[] = []
    const error = await probe(client, { signal: controller.signal, onScratch: (s) => void entries.push(s) }).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(isHyperdeltaError(error, 'ABORTED')).toBe(true)
    expect(entries).toEqual([])
    expect(await scratchLeft()).toEqual([])
  })
})

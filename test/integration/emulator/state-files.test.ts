import { readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isHyperdeltaError } from '../../../src/index.js'
import { orders, start, tempDir } from './helpers.js'

// A damaged state file in the data dir stops the emulator at start with EMULATOR_STATE_INVALID naming the file
// (never a silent empty start, never an untyped crash); once the file is restored the same dir starts again.
let dir: Awaited<ReturnType<typeof tempDir>>
let dataDir: string
let dbFile: string
const good = new Map<string, Buffer>()

beforeAll(async () => {
  dir = await tempDir()
  dataDir = join(dir.path, 'data')
  const emu = await start({ dataDir })
  const { id } = await emu.createDatasource({ name: 'Kept', table: orders, rows: [{ id: 1n, customer: 'a' }] })
  await emu.close()
  dbFile = join(dataDir, 'datasources', `${id}.duckdb`)
  for (const f of ['catalog.json', 'virtual-connections.json']) good.set(f, await readFile(join(dataDir, f)))
  good.set(dbFile, await readFile(dbFile))
}, 60_000)
afterAll(async () => {
  await dir.remove()
})

async function startError(): Promise<unknown> {
  try {
    const emu = await start({ dataDir })
    await emu.close()
    return undefined
  } catch (e) {
    return e
  }
}

async function expectRefusedThenRestored(file: string, damage: () => Promise<void>, problem: RegExp) {
  await damage()
  const error = await startError()
  expect(isHyperdeltaError(error, 'EMULATOR_STATE_INVALID')).toBe(true)
  if (!isHyperdeltaError(error, 'EMULATOR_STATE_INVALID')) return
  expect(error.details.file).toBe(file)
  expect(error.message).toContain(file)
  expect(error.message).toMatch(problem)
  await writeFile(file, good.get(file) ?? good.get(file.slice(dataDir.length + 1))!)
  const emu = await start({ dataDir })
  expect((await emu.listDatasources()).map((d) => d.name)).toEqual(['Kept'])
  expect(await emu.query('SELECT count(*) AS n FROM "Kept"."Extract"."Extract"')).toEqual([{ n: 1n }])
  await emu.close()
}

describe('catalog.json', () => {
  const file = () => join(dataDir, 'catalog.json')
  const text = () => good.get('catalog.json')!.toString('utf8')
  const catalog = () => JSON.parse(text())
  it.each([
    ['truncated', () => text().slice(0, Math.floor(text().length / 2)), /is not JSON/],
    ['empty', () => '', /is not JSON/],
    ['not JSON', () => 'hello', /is not JSON/],
    ['an array', () => '[]', /expected shape/],
    ['missing lists', () => JSON.stringify({ version: 1 }), /expected shape at sites/],
    ['another version', () => JSON.stringify({ ...catalog(), version: 2 }), /at version/],
    [
      'a data source without a name',
      () => {
        const c = catalog()
        delete c.datasources[0].name
        return JSON.stringify(c)
      },
      /at datasources\.0\.name/,
    ],
    [
      'a job of an unknown status',
      () => JSON.stringify({ ...catalog(), jobs: [{ ...catalog().datasources[0], status: 'lost' }] }),
      /at jobs\.0\./,
    ],
  ])('%s: refused at start naming the file', async (_, body, problem) => {
    await expectRefusedThenRestored(file(), () => writeFile(file(), body()), problem)
  })
})

describe('the other state files', () => {
  it('virtual-connections.json that is not JSON or of the wrong shape', async () => {
    const file = join(dataDir, 'virtual-connections.json')
    await expectRefusedThenRestored(file, () => writeFile(file, '{"version":1,"virtualConnections":[{'), /not JSON/)
    await expectRefusedThenRestored(
      file,
      () => writeFile(file, JSON.stringify({ version: 1, virtualConnections: {}, groups: [], counter: 0 })),
      /expected shape at virtualConnections/,
    )
  })

  it("a data source's database that is damaged or missing", async () => {
    await expectRefusedThenRestored(dbFile, () => writeFile(dbFile, 'not a duckdb file'), /cannot be opened/)
    await expectRefusedThenRestored(dbFile, () => rm(dbFile), /is missing/)
  })
})

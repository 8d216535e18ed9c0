import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Emulator } from '../../../src/emulator/index.js'
import {
  call,
  orders,
  parquetOf,
  patch,
  type Signed,
  signIn,
  start,
  tempDir,
  upload,
  waitJob,
} from '../emulator/helpers.js'

// What a job records for the console's Jobs page: rows changed (DuckDB's count per statement, only for a job that
// applied) and how long it ran.
let emu: Emulator
let s: Signed
let dir: { path: string; remove(): Promise<void> }
let dsId: string
const T = { 'target-schema': 'Extract', 'target-table': 'Extract' }
const onId = { op: 'eq', 'target-col': 'id', 'source-col': 'id' }

beforeAll(async () => {
  dir = await tempDir()
  emu = await start({ console: true })
  s = await signIn(emu)
  const rows = [1n, 2n, 3n].map((id) => ({ id, customer: `c${id}`, amount: null, day: null, updated_at: null }))
  dsId = (await emu.createDatasource({ name: 'Orders', table: orders, rows })).id
})
afterAll(async () => {
  await emu.close()
  await dir.remove()
})

/** Pushes `select` as the payload of `actions`; returns the job's id and the console's cells for it. */
async function push(
  select: string,
  actions: object[],
): Promise<{ rowsChanged: string; duration: string; notes: string }> {
  const up = await upload(s, await readFile(await parquetOf(dir.path, `p${Math.random()}`, select)))
  const accepted = await patch(s, dsId, actions, { uploadSessionId: up })
  const jobId = accepted.xml.tsResponse.job['@id'] as string
  await waitJob(s, jobId)
  const page = (await call(`${emu.url}/console/jobs/${jobId}`)).text
  const cell = (label: string) => new RegExp(`<th>${label}</th><td[^>]*>(.*?)</td>`).exec(page)?.[1] ?? ''
  return { rowsChanged: cell('Rows changed'), duration: cell('Duration'), notes: cell('Notes') }
}

describe('job records for the console', () => {
  it('counts the rows each statement changed: an upsert matching one row and adding one changes 2', async () => {
    const job = await push(`SELECT * FROM (VALUES (1::BIGINT, 'A'), (9::BIGINT, 'Z')) v(id, customer)`, [
      { action: 'upsert', ...T, 'source-table': 'u', condition: onId },
    ])
    expect(job.rowsChanged).toBe('2')
    expect(job.duration).toMatch(/^\d+ ms$/)
  })

  it('a replace counts the rows deleted and the rows inserted; a failed job counts none', async () => {
    const replaced = await push(
      `SELECT i::BIGINT AS id, 'r' AS customer, NULL::DOUBLE AS amount, NULL::DATE AS day, NULL::TIMESTAMPTZ AS updated_at FROM range(5) t(i)`,
      [{ action: 'replace', ...T, 'source-table': 'r' }],
    )
    expect(replaced.rowsChanged).toBe('9') // 4 rows deleted, 5 inserted
    const failed = await push(`SELECT 1::BIGINT AS id, 'x' AS nope`, [{ action: 'insert', ...T, 'source-table': 'i' }])
    expect(failed.notes).toContain('errorCode=410012')
    expect(failed.rowsChanged).toContain('—')
  })
})

// The node:test side of hyperdelta/testing, run by test-emulator.test.ts as `node --import tsx --test <this file>`.
// NIGHTLY_JOB_DROP=1 makes the job under test lose a row, so the run must fail: the check can fail.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { startTestEmulator, type TestEmulator } from '../../../src/testing/index.js'
import { type Order, orders, runNightlyJob } from './nightly-job.js'

let emu: TestEmulator
before(async () => {
  emu = await startTestEmulator({
    datasources: { Orders: { table: orders, rows: [{ id: 1n, customer: 'ACME', amount: 1, updated_at: null }] } },
  })
})
after(() => emu.close())

test('the nightly job upserts the changed orders', async () => {
  const changed: Order[] = [
    { id: 1n, customer: 'ACME', amount: 2, updated_at: null },
    { id: 2n, customer: 'Globex', amount: null, updated_at: '2024-01-01T00:00:00Z' },
  ]
  const report = await runNightlyJob(emu.env, process.env.NIGHTLY_JOB_DROP ? changed.slice(1) : changed)
  assert.equal(report.outcome, 'succeeded')
  assert.deepEqual(await emu.rows('Orders'), [
    { id: 1n, customer: 'ACME', amount: 2, updated_at: null },
    { id: 2n, customer: 'Globex', amount: null, updated_at: 1_704_067_200_000_000n },
  ])
})

test('a failed Tableau job fails the run and changes nothing', async () => {
  emu.faults.failJobs({ notes: 'out of disk' })
  await assert.rejects(runNightlyJob(emu.env, [{ id: 3n, customer: 'Initech', amount: 3, updated_at: null }]), {
    code: 'PUSH_FAILED',
  })
  assert.equal(emu.faults.counters.failedJobs, 1)
  assert.equal((await emu.rows('Orders')).length, 2)
})

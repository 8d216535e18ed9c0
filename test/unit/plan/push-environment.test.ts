import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { batch, defineTable, int64, type PushClient, pushChanges, text } from '../../../src/index.js'
import { readJournal } from '../../../src/plan/journal.js'

// pushChanges reads time only through its environment: with a fake `now`, journal timestamps and durations come
// from it (one clock for a whole run, shared with the client).

const items = defineTable({ schema: 'Extract', name: 'Extract' }, { id: int64(), body: text() })

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hyperdelta-env-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** A structural PushClient that applies everything at once; every call moves the fake clock by 1 s. */
function fakeClient(advance: () => void): PushClient {
  return {
    findDatasource: async () => ({ id: 'ds-1', name: 'Items' }),
    resolveConnection: async () => undefined,
    uploadFile: async () => {
      advance()
      return { uploadSessionId: 'u:1' }
    },
    updateData: async () => {
      advance()
      return { id: 'job-1' }
    },
    waitForJob: async (id) => {
      advance()
      return { id }
    },
  }
}

describe('pushChanges environment', () => {
  it('stamps the journal and measures durations with the injected clock', async () => {
    let t = Date.UTC(2030, 0, 1)
    const journal = join(dir, 'run.journal')
    const report = await pushChanges({
      client: fakeClient(() => {
        t += 1000
      }),
      datasource: { name: 'Items' },
      batch: batch().insert({ source: items.as('changes'), target: items }),
      rows: { changes: [{ id: 1n, body: 'a' }] },
      dir,
      journal,
      now: () => t,
    })
    expect(report.outcome).toBe('succeeded')
    expect(report.durationMs).toBe(3000)
    expect(report.requests[0]).toMatchObject({ uploadMs: 1000, jobMs: 1000 })
    const state = await readJournal(journal)
    expect(state?.createdAt).toBe('2030-01-01T00:00:00.000Z')
    expect(state?.requests[0]?.updatedAt).toBe('2030-01-01T00:00:03.000Z')
  })
})

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readJournal, removeJournal } from '../../../src/index.js'
import { type JournalState, writeJournal } from '../../../src/plan/journal.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hd-journal-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const state: JournalState = {
  version: 1,
  runId: 'r',
  fingerprint: 'f',
  datasourceId: 'ds',
  createdAt: '2026-11-22T00:00:00Z',
  requests: [{ index: 0, state: 'submitted', attempt: 0, requestId: 'id', jobId: 'job', updatedAt: 'now' }],
}

describe('journal', () => {
  it('round-trips and leaves no temp file behind', async () => {
    const path = join(dir, 'j.json')
    await writeJournal(path, state)
    expect(await readJournal(path)).toEqual(state)
    expect(JSON.parse(await readFile(path, 'utf8')).requests[0].jobId).toBe('job')
    await removeJournal(path)
    expect(await readJournal(path)).toBeUndefined()
  })

  it('rejects a file that is not a journal, naming it', async () => {
    const path = join(dir, 'bad.json')
    await writeFile(path, '{"hello":1}')
    await expect(readJournal(path)).rejects.toMatchObject({
      code: 'JOURNAL_INVALID',
      message: expect.stringContaining(path),
    })
    await writeFile(path, 'not json')
    await expect(readJournal(path)).rejects.toMatchObject({ code: 'JOURNAL_INVALID' })
  })
})

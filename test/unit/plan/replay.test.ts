import { describe, expect, it } from 'vitest'
import { createdBefore, replayedOutcome } from '../../../src/plan/replay.js'

const sentAt = Date.parse('2026-11-27T12:00:10.500Z')
const job = (completedAt: string | undefined, finishCode: number | undefined, createdAt = '2026-11-27T11:00:00Z') => ({
  id: 'j',
  createdAt,
  completedAt,
  finishCode,
})

describe('replayedOutcome', () => {
  it.each<[string, ReturnType<typeof job>, string | undefined]>([
    ['a job still running', job(undefined, undefined), undefined],
    ['failed an hour before', job('2026-11-27T11:00:00Z', 1), 'failed'],
    ['cancelled an hour before', job('2026-11-27T11:00:00Z', 2), 'cancelled'],
    ['succeeded an hour before', job('2026-11-27T11:00:00Z', 0), 'succeeded'],
    ['completed (code 3) an hour before', job('2026-11-27T11:00:00Z', 3), 'succeeded'],
    ['failed in the same second (stamp cut to the second)', job('2026-11-27T12:00:10Z', 1), 'failed'],
    ['succeeded in the same second: maybe this request’s own job', job('2026-11-27T12:00:10Z', 0), undefined],
    ['ended after it was sent', job('2026-11-27T12:00:11Z', 1), undefined],
    ['an unknown finish code', job('2026-11-27T11:00:00Z', 7), undefined],
    ['an unreadable stamp', job('yesterday-ish', 1), undefined],
  ])('%s', (_, j, expected) => {
    expect(replayedOutcome(j, sentAt)).toBe(expected)
  })
})

describe('createdBefore', () => {
  it.each<[string, string | undefined, boolean]>([
    ['an earlier second', '2026-11-27T12:00:09Z', true],
    ['the same second (could be this request’s job)', '2026-11-27T12:00:10Z', false],
    ['later', '2026-11-27T12:00:11Z', false],
    ['no stamp', undefined, false],
  ])('%s', (_, createdAt, expected) => {
    expect(createdBefore({ id: 'j', createdAt }, sentAt)).toBe(expected)
  })
})

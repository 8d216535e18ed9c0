import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { progressRenderer } from '../../../src/cli/progress.js'

function sink(isTTY: boolean) {
  const chunks: string[] = []
  return { stream: { isTTY, write: (s: string) => chunks.push(s) > 0 }, chunks }
}

describe('progressRenderer', () => {
  it('prints plain lines without a TTY, one per upload part', () => {
    const { stream, chunks } = sink(false)
    const { onProgress, finish } = progressRenderer(stream)
    onProgress({ type: 'planned', requests: 2, files: 2, rows: 10, bytes: 2_097_152, resumed: false })
    onProgress({ type: 'upload', request: 0, uploadedBytes: 1, totalBytes: 2, part: 1, parts: 2 })
    onProgress({ type: 'upload', request: 0, uploadedBytes: 2, totalBytes: 2, part: 1, parts: 2 })
    onProgress({ type: 'submitted', request: 0, requestId: 'rid', jobId: 'j1' })
    onProgress({ type: 'job', request: 0, jobId: 'j1', progress: 50 })
    onProgress({ type: 'request-done', request: 0, outcome: 'applied', jobId: 'j1' })
    expect(chunks.join('')).toBe(
      'planned: 2 request(s), 2 file(s), 10 rows, 2.0 MB\n' +
        '#0 upload part 1/2 [############------------]  50% 0.0 MB/0.0 MB\n' +
        '#0 submitted: job j1 (RequestID rid)\n' +
        '#0 job j1 [############------------]  50%\n' +
        '#0 applied (job j1)\n',
    )
    expect(chunks.join('')).not.toContain('\r')
    finish()
  })

  it('redraws one line with a bar on a TTY', () => {
    const { stream, chunks } = sink(true)
    const { onProgress, finish } = progressRenderer(stream)
    onProgress({ type: 'job', request: 1, jobId: 'j', progress: 100 })
    finish()
    expect(chunks[0]).toBe('\r\x1b[2K#1 job j [########################] 100%')
    expect(chunks.at(-1)).toBe('\n')
  })
})

describe('progressRenderer: the steps before the push', () => {
  it('prints the CDC diff phase, the loader files and publish bytes as plain lines', () => {
    const { stream, chunks } = sink(false)
    const { onProgress, finish } = progressRenderer(stream)
    onProgress({ type: 'phase', phase: 'diff', state: 'start', detail: 'snapshots' })
    onProgress({ type: 'phase', phase: 'diff', state: 'done', detail: '2 upsert(s), 1 delete(s)' })
    onProgress({ type: 'file', index: 1, files: 2, path: 'a.parquet', rows: 10 })
    onProgress({ type: 'file', index: 2, files: 2, path: 'b.parquet', rows: 5 })
    onProgress({ type: 'transfer', phase: 'upload', bytes: 1_048_576, totalBytes: 2_097_152 })
    finish()
    expect(chunks.join('')).toBe(
      'diff: running (snapshots)\n' +
        'diff: done: 2 upsert(s), 1 delete(s)\n' +
        'file 1/2: a.parquet (10 rows)\n' +
        'file 2/2: b.parquet (5 rows)\n' +
        'upload [############------------]  50% 1.0 MB/2.0 MB\n',
    )
  })
})

describe('progressRenderer without a TTY: a line at least every 10 s during long phases', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it.each([
    ['packaging', { type: 'packaging', table: 'orders', rows: 10, bytes: 1, files: 0 }, /^packaging orders: 10 rows/],
    [
      'upload',
      { type: 'upload', request: 0, uploadedBytes: 1, totalBytes: 4, part: 1, parts: 1 },
      /^#0 upload part 1\/1/,
    ],
    ['job wait', { type: 'job', request: 0, jobId: 'j', progress: 0 }, /^#0 job j /],
  ] as const)('%s with no further event: the state repeats every 10 s with the elapsed time', (_name, event, text) => {
    const { stream, chunks } = sink(false)
    const { onProgress, finish } = progressRenderer(stream)
    onProgress(event)
    vi.advanceTimersByTime(35_000)
    finish()
    const lines = chunks.join('').trimEnd().split('\n')
    expect(lines).toHaveLength(4)
    for (const l of lines) expect(l).toMatch(text)
    expect(lines.slice(1).map((l) => /\((\d+) s\)$/.exec(l)?.[1])).toEqual(['10', '20', '30'])
    vi.advanceTimersByTime(60_000)
    expect(chunks.join('').trimEnd().split('\n')).toHaveLength(4) // finish() stopped the timer
  })

  it('frequent events print at most one line per 10 s, the latest state', () => {
    const { stream, chunks } = sink(false)
    const { onProgress, finish } = progressRenderer(stream)
    for (let second = 0; second <= 30; second += 1) {
      onProgress({ type: 'job', request: 2, jobId: 'j', progress: second * 3 })
      vi.advanceTimersByTime(1000)
    }
    finish()
    const lines = chunks.join('').trimEnd().split('\n')
    expect(lines.length).toBeGreaterThanOrEqual(3)
    expect(lines.length).toBeLessThanOrEqual(5)
    expect(lines.at(-1)).toMatch(/#2 job j .*(8\d|90)%/)
  })
})

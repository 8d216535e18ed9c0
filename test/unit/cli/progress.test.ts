import { describe, expect, it } from 'vitest'
import { progressRenderer } from '../../../src/cli/progress.js'

function sink(isTTY: boolean) {
  const chunks: string[] = []
  return { stream: { isTTY, write: (s: string) => chunks.push(s) > 0 }, chunks }
}

describe('progressRenderer', () => {
  it('prints plain lines without a TTY, one per upload part', () => {
    const { stream, chunks } = sink(false)
    const { onProgress } = progressRenderer(stream)
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
        '#0 applied (job j1)\n',
    )
    expect(chunks.join('')).not.toContain('\r')
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

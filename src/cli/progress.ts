import type { PushProgress } from '../index.js'

function mb(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MB`
}

function bar(fraction: number, width = 24): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width)
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.round(fraction * 100)
    .toString()
    .padStart(3)}%`
}

/** Without a TTY, a line at least this often while work goes on (schedulers kill jobs that look hung). */
export const PLAIN_PROGRESS_INTERVAL_MS = 10_000

/**
 * Renders push progress: one redrawn line with a bar on a TTY. Otherwise (cron, CI, Kubernetes logs)
 * plain lines: every milestone, the first line of each packaging / upload / job-wait phase, then the
 * latest state at least every `intervalMs`, repeated by a timer when no event arrives (a long row group,
 * a slow job). Returns the event handler and a `finish()` that ends the live line and the timer.
 */
export function progressRenderer(
  stream: NodeJS.WriteStream | { write(s: string): boolean; isTTY?: boolean },
  options: { intervalMs?: number } = {},
) {
  const tty = stream.isTTY === true
  const intervalMs = options.intervalMs ?? PLAIN_PROGRESS_INTERVAL_MS
  let live = false
  let lastLineAt = Date.now()
  /** The running phase (packaging of a table, a request's upload part or job) and its latest state. */
  let phase: { key: string; text: string; since: number } | undefined
  const line = (text: string) => {
    if (live) stream.write('\n')
    live = false
    stream.write(`${text}\n`)
    lastLineAt = Date.now()
  }
  const timer = tty
    ? undefined
    : setInterval(
        () => {
          if (phase && Date.now() - lastLineAt >= intervalMs) {
            line(`${phase.text} (${Math.round((Date.now() - phase.since) / 1000)} s)`)
          }
        },
        Math.max(50, Math.floor(intervalMs / 4)),
      )
  timer?.unref()
  /** A state that changes continuously: redrawn on a TTY, throttled plain lines otherwise. */
  const progress = (key: string, text: string) => {
    if (tty) {
      stream.write(`\r\x1b[2K${text}`)
      live = true
      return
    }
    const fresh = phase?.key !== key
    phase = { key, text, since: fresh ? Date.now() : phase!.since }
    if (fresh || Date.now() - lastLineAt >= intervalMs) line(text)
  }
  const milestone = (text: string) => {
    phase = undefined
    line(text)
  }
  const onProgress = (e: PushProgress): void => {
    switch (e.type) {
      case 'packaging':
        progress(`packaging:${e.table}`, `packaging ${e.table}: ${e.rows} rows, ${mb(e.bytes)}, ${e.files} file(s)`)
        break
      case 'planned':
        milestone(
          `${e.resumed ? 'resuming' : 'planned'}: ${e.requests} request(s), ${e.files} file(s), ${e.rows} rows, ${mb(e.bytes)}`,
        )
        break
      case 'upload':
        progress(
          `upload:${e.request}:${e.part}`,
          `#${e.request} upload part ${e.part}/${e.parts} ${bar(e.totalBytes ? e.uploadedBytes / e.totalBytes : 1)} ${mb(e.uploadedBytes)}/${mb(e.totalBytes)}`,
        )
        break
      case 'submitted':
        milestone(`#${e.request} submitted: job ${e.jobId} (RequestID ${e.requestId})`)
        break
      case 'job':
        progress(`job:${e.request}`, `#${e.request} job ${e.jobId} ${bar(e.progress / 100)}`)
        break
      case 'request-done':
        milestone(`#${e.request} ${e.outcome}${e.jobId ? ` (job ${e.jobId})` : ''}`)
        break
      case 'done':
        milestone(`done: ${e.report.requests.length} request(s) in ${e.report.durationMs} ms`)
        break
      case 'phase':
        // A start is a running phase: repeated with its age while it lasts, so a long diff never looks hung.
        if (e.state === 'start') progress(`phase:${e.phase}`, `${e.phase}: running${e.detail ? ` (${e.detail})` : ''}`)
        else milestone(`${e.phase}: done${e.detail ? `: ${e.detail}` : ''}`)
        break
      case 'file':
        milestone(`file ${e.index}/${e.files}: ${e.path} (${e.rows} rows)`)
        break
      case 'transfer':
        progress(
          `transfer:${e.phase}`,
          e.totalBytes
            ? `${e.phase} ${bar(e.bytes / e.totalBytes)} ${mb(e.bytes)}/${mb(e.totalBytes)}`
            : `${e.phase} ${mb(e.bytes)}`,
        )
        break
    }
  }
  return {
    onProgress,
    finish: () => {
      if (timer) clearInterval(timer)
      phase = undefined
      if (live) line('')
    },
  }
}

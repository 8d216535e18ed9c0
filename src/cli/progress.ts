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

/**
 * Renders push progress: one redrawn line with a bar on a TTY, plain lines otherwise (logs, CI).
 * Returns the event handler and a `finish()` that ends the live line.
 */
export function progressRenderer(stream: NodeJS.WriteStream | { write(s: string): boolean; isTTY?: boolean }) {
  const tty = stream.isTTY === true
  let live = false
  let lastPlainPart = ''
  const line = (text: string) => {
    if (live) stream.write('\n')
    live = false
    stream.write(`${text}\n`)
  }
  const redraw = (text: string) => {
    if (!tty) return line(text)
    stream.write(`\r\x1b[2K${text}`)
    live = true
  }
  const onProgress = (e: PushProgress): void => {
    switch (e.type) {
      case 'packaging':
        if (tty) redraw(`packaging ${e.table}: ${e.rows} rows, ${mb(e.bytes)}, ${e.files} file(s)`)
        break
      case 'planned':
        line(
          `${e.resumed ? 'resuming' : 'planned'}: ${e.requests} request(s), ${e.files} file(s), ${e.rows} rows, ${mb(e.bytes)}`,
        )
        break
      case 'upload': {
        const text = `#${e.request} upload part ${e.part}/${e.parts} ${bar(e.totalBytes ? e.uploadedBytes / e.totalBytes : 1)} ${mb(e.uploadedBytes)}/${mb(e.totalBytes)}`
        if (tty) redraw(text)
        else if (`${e.request}:${e.part}` !== lastPlainPart) {
          lastPlainPart = `${e.request}:${e.part}`
          line(text)
        }
        break
      }
      case 'submitted':
        line(`#${e.request} submitted: job ${e.jobId} (RequestID ${e.requestId})`)
        break
      case 'job':
        if (tty) redraw(`#${e.request} job ${e.jobId} ${bar(e.progress / 100)}`)
        break
      case 'request-done':
        line(`#${e.request} ${e.outcome}${e.jobId ? ` (job ${e.jobId})` : ''}`)
        break
      case 'done':
        line(`done: ${e.report.requests.length} request(s) in ${e.report.durationMs} ms`)
        break
    }
  }
  return { onProgress, finish: () => live && line('') }
}

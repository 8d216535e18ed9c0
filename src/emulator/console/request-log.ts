import type { IncomingMessage, ServerResponse } from 'node:http'
import { matchRoute, VDS_PREFIX } from '../core/routes.js'
import { requestTarget } from '../http/request-target.js'

/** One API request as the console's Requests page shows it (never a header but RequestID, never a body). */
export interface RequestEntry {
  readonly seq: number
  /** ISO time the request arrived. */
  readonly at: string
  readonly method: string
  /** Path and query as sent. */
  readonly path: string
  readonly status: number
  readonly durationMs: number
  /** The RequestID header (Update Data Source Data), or ''. */
  readonly requestId: string
  /** The route it matched, `vizqlDataService`, or '' when none matched. */
  readonly route: string
}

/** Kept requests; older ones fall off (the console is a window, not an audit log). */
export const REQUEST_LOG_SIZE = 1000

/** A bounded ring of the emulator's API requests, newest last. */
export class RequestLog {
  private readonly entries: RequestEntry[] = []
  private next = 1

  constructor(private readonly size = REQUEST_LOG_SIZE) {}

  /** Sequence number of the newest entry (0 when none): changes whenever one is added. */
  get seq(): number {
    return this.next - 1
  }

  /** Records `req` once its response is finished (or its connection closed). */
  record(req: IncomingMessage, res: ServerResponse): void {
    const started = Date.now()
    const at = new Date(started).toISOString()
    const method = (req.method ?? 'GET').toUpperCase()
    const path = req.url ?? '/'
    const header = req.headers['requestid']
    const requestId = typeof header === 'string' ? header : ''
    let done = false
    const finish = (): void => {
      if (done) return
      done = true
      this.add({
        seq: this.next++,
        at,
        method,
        path,
        status: res.headersSent ? res.statusCode : 0,
        durationMs: Date.now() - started,
        requestId,
        route: routeOf(method, path),
      })
    }
    res.once('finish', finish)
    res.once('close', finish)
  }

  private add(entry: RequestEntry): void {
    this.entries.push(entry)
    if (this.entries.length > this.size) this.entries.splice(0, this.entries.length - this.size)
  }

  /** Newest first. */
  newestFirst(): RequestEntry[] {
    return [...this.entries].reverse()
  }
}

/** The route name the emulator's router gives this request (the same function it routes with). */
function routeOf(method: string, url: string): string {
  try {
    const { segments } = requestTarget(url)
    if (!segments) return ''
    if (segments.length === 4 && VDS_PREFIX.every((p, i) => segments[i] === p)) return 'vizqlDataService'
    const match = matchRoute(method, segments)
    return match.kind === 'matched' ? match.route.name : ''
  } catch {
    return ''
  }
}

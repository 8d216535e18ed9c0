import { randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { EmulatorState } from '../runtime/state.js'
import { APP_CSS, APP_JS, FAVICON_SVG } from './assets.js'
import { applyFaultForm } from './faults-action.js'
import { postRefusal, refuseReason, SECURITY_HEADERS } from './guard.js'
import { html } from './html.js'
import { page, type Topic } from './layout.js'
import { LiveEvents } from './live-events.js'
import { datasourcePage, datasourcesPage } from './page-datasources.js'
import { type Flash, faultsPage } from './page-faults.js'
import { jobPage, jobsPage } from './page-jobs.js'
import { requestsPage } from './page-requests.js'
import { RequestLog } from './request-log.js'

/** The largest faults form accepted. */
const MAX_FORM_BYTES = 16 * 1024

/** True for `/console`, `/console/…` and `/console?…`: the paths the console owns. */
export function isConsolePath(url: string): boolean {
  return url === '/console' || url.startsWith('/console/') || url.startsWith('/console?')
}

/**
 * The emulator's web console at `/console`: read-only pages over the emulator's state (data
 * sources, jobs, requests), live through server-sent events, and one form that switches faults and
 * the personality. Loopback clients only.
 */
export class ConsoleServer {
  readonly log = new RequestLog()
  private readonly csrf = randomBytes(16).toString('hex')
  private readonly flashes = new Map<number, Flash>()
  private flashCount = 0
  private readonly events: LiveEvents

  constructor(private readonly state: EmulatorState) {
    this.events = new LiveEvents(() => this.fingerprint())
  }

  /** Serves `req` when it is a console path (true), else records it as an API request (false). */
  handles(req: IncomingMessage, res: ServerResponse): boolean {
    if (!isConsolePath(req.url ?? '/')) {
      this.log.record(req, res)
      return false
    }
    this.serve(req, res).catch((e: unknown) => {
      this.state.logger.error('emulator console: internal error', { message: (e as Error).message })
      if (!res.headersSent) this.send(res, 500, 'text/plain', 'console: internal error (see the emulator log)')
      else res.destroy()
    })
    return true
  }

  close(): void {
    this.events.close()
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const refused = refuseReason(req)
    if (refused) {
      req.resume()
      return this.send(res, 403, 'text/plain', `console: ${refused}\n`)
    }
    // Split as sent (like the API's router, never folding `..`), then decode each segment; a trailing `/` is ignored.
    const raw = req.url ?? '/console'
    const cut = raw.search(/[?#]/)
    const q = new URLSearchParams(cut === -1 || raw[cut] === '#' ? '' : raw.slice(cut + 1).split('#')[0])
    const parts = (cut === -1 ? raw : raw.slice(0, cut)).split('/').slice(2)
    if (parts.at(-1) === '') parts.pop()
    let segments: string[]
    try {
      segments = parts.map((p) => decodeURIComponent(p))
    } catch {
      return this.notFound(res)
    }
    if (segments.some((p) => p === '' || p === '.' || p === '..')) return this.notFound(res)
    const method = (req.method ?? 'GET').toUpperCase()
    const [first = '', second, ...rest] = segments
    if (method === 'POST' && first === 'faults' && second === undefined) return this.postFaults(req, res)
    req.resume()
    if (method !== 'GET' && method !== 'HEAD') {
      return this.send(res, 405, 'text/plain', 'console: read-only (only the faults form posts)\n', { allow: 'GET' })
    }
    if (rest.length > 0) return this.notFound(res)
    const text = 'text/html'
    switch (first) {
      case '':
        return second === undefined ? this.send(res, 200, text, await datasourcesPage(this.state)) : this.notFound(res)
      case 'datasources': {
        if (second === undefined) return this.send(res, 200, text, await datasourcesPage(this.state))
        const body = await datasourcePage(this.state, second, q)
        return body === undefined ? this.notFound(res) : this.send(res, 200, text, body)
      }
      case 'jobs': {
        if (second === undefined) return this.send(res, 200, text, jobsPage(this.state, q))
        const body = jobPage(this.state, second)
        return body === undefined ? this.notFound(res) : this.send(res, 200, text, body)
      }
      case 'requests':
        return second === undefined ? this.send(res, 200, text, requestsPage(this.log, q)) : this.notFound(res)
      case 'faults':
        if (second !== undefined) return this.notFound(res)
        return this.send(res, 200, text, faultsPage(this.state, this.csrf, this.flashes.get(Number(q.get('flash')))))
      case 'events':
        return second === undefined ? this.events.open(res) : this.notFound(res)
      case 'app.js':
        return this.send(res, 200, 'text/javascript', APP_JS)
      case 'app.css':
        return this.send(res, 200, 'text/css', APP_CSS)
      case 'favicon.svg':
        return this.send(res, 200, 'image/svg+xml', FAVICON_SVG)
      default:
        return this.notFound(res)
    }
  }

  /** Applies the faults form (same origin, with the page's token), then redirects to the page (POST-redirect-GET). */
  private async postFaults(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
    if (type !== 'application/x-www-form-urlencoded') {
      req.resume()
      return this.send(res, 415, 'text/plain', 'console: the faults form posts application/x-www-form-urlencoded\n')
    }
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length
      if (size > MAX_FORM_BYTES) return this.send(res, 413, 'text/plain', 'console: form too large\n')
      chunks.push(chunk)
    }
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
    const refused = postRefusal(req, form, this.csrf)
    if (refused) return this.send(res, 403, 'text/plain', `console: ${refused}\n`)
    const outcome = applyFaultForm(this.state.faults, this.state.personality, form)
    const flash: Flash =
      'done' in outcome ? { kind: 'done', text: outcome.done } : { kind: 'error', text: outcome.error }
    this.state.logger.info('emulator console: faults form', { [flash.kind]: flash.text })
    const id = ++this.flashCount
    this.flashes.set(id, flash)
    this.flashes.delete(id - 50)
    res.writeHead(303, { ...SECURITY_HEADERS, location: `/console/faults?flash=${id}` })
    res.end()
  }

  private notFound(res: ServerResponse): void {
    const body = page({ title: 'Not found', section: 'datasources', topics: [], live: html`<p>Nothing here.</p>` })
    this.send(res, 404, 'text/html', body)
  }

  private send(res: ServerResponse, status: number, type: string, body: string, extra: Record<string, string> = {}) {
    const payload = Buffer.from(body)
    res.writeHead(status, {
      ...SECURITY_HEADERS,
      ...extra,
      'content-type': `${type}; charset=utf-8`,
      'content-length': String(payload.length),
    })
    res.end(payload)
  }

  /** What each topic's pages show, reduced to a string that changes when they would. */
  private fingerprint(): Record<Topic, string> {
    const { jobs, datasources } = this.state.catalog.data
    const jobsPrint = jobs.map((j) => `${j.id}:${j.status}:${j.progress}:${j.finishCode}`).join(',')
    return {
      requests: String(this.log.seq),
      jobs: jobsPrint,
      datasources: datasources
        .map((d) => `${d.id}:${d.name}:${d.projectId}:${d.updatedAt}:${d.tags?.join('|')}:${d.revisions?.length}`)
        .join(','),
      faults: JSON.stringify([this.state.faults.counters, this.state.faults.pending(), this.state.personality]),
    }
  }
}

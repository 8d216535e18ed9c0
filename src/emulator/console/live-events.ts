import type { ServerResponse } from 'node:http'
import { SECURITY_HEADERS } from './guard.js'
import type { Topic } from './layout.js'

/** How often open pages' topics are compared with what they last saw. */
const POLL_MS = 150

/**
 * Server-sent events: while at least one console page listens, the state's fingerprint per topic is
 * compared every {@link POLL_MS}; a changed topic is sent as `event: change` and the pages showing it
 * fetch their live region again. Comparing snapshots (instead of hooking every place state changes)
 * keeps the console out of the handlers and the job runner.
 */
export class LiveEvents {
  private readonly clients = new Set<ServerResponse>()
  private timer: NodeJS.Timeout | undefined
  private last: Record<Topic, string> | undefined

  constructor(private readonly fingerprint: () => Record<Topic, string>) {}

  open(res: ServerResponse): void {
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      connection: 'keep-alive',
    })
    res.write('retry: 1000\n\n')
    this.clients.add(res)
    res.once('close', () => {
      this.clients.delete(res)
      if (this.clients.size === 0) this.stop()
    })
    if (!this.timer) {
      this.last = this.fingerprint()
      this.timer = setInterval(() => this.tick(), POLL_MS)
      this.timer.unref()
    }
  }

  private tick(): void {
    const now = this.fingerprint()
    const changed = (Object.keys(now) as Topic[]).filter((t) => now[t] !== this.last?.[t])
    this.last = now
    if (changed.length === 0) return
    const message = `event: change\ndata: ${JSON.stringify({ topics: changed })}\n\n`
    for (const c of this.clients) c.write(message)
  }

  private stop(): void {
    clearInterval(this.timer)
    this.timer = undefined
  }

  /** Ends every stream (the emulator is closing). */
  close(): void {
    this.stop()
    for (const c of this.clients) c.end()
    this.clients.clear()
  }
}

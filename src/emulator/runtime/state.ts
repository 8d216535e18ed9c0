import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Logger } from '../../index.js'
import type { FaultController, RouteName } from '../core/faults.js'
import type { ServerPersonality } from '../core/personality.js'
import { siteNotFound } from '../http/api-error.js'
import type { Element } from '../http/document.js'
import type { Catalog, SiteRecord } from '../store/catalog.js'
import type { NameLocks } from '../store/name-locks.js'
import type { Store } from '../store/store.js'
import type { VirtualConnectionCatalog } from '../store/virtual-connections.js'
import type { EmulatorUser, Session, Sessions } from './auth.js'
import type { JobRunner } from './job-runner.js'

/** Everything a handler may use: one emulator's state and services. */
export interface EmulatorState {
  readonly url: string
  readonly catalog: Catalog
  /** Held from a data source name's check to its catalog save (publish, create, rename, move, delete). */
  readonly names: NameLocks
  readonly store: Store
  readonly sessions: Sessions
  readonly faults: FaultController
  readonly jobs: JobRunner
  readonly users: readonly EmulatorUser[]
  readonly maxSizeInMb: number
  readonly restApiVersion: string
  readonly tokenTtlMs: number
  readonly uploadsDir: string
  readonly logger: Logger
  readonly vconns: VirtualConnectionCatalog
  readonly personality: ServerPersonality
}

export interface RequestContext {
  readonly req: IncomingMessage
  readonly res: ServerResponse
  readonly route: RouteName
  readonly params: Readonly<Record<string, string>>
  readonly query: URLSearchParams
  /** Set on every route except serverInfo and signIn. */
  readonly session: Session | undefined
}

export interface Reply {
  readonly status: number
  readonly body?: readonly Element[]
  readonly headers?: Readonly<Record<string, string>>
  /** A file streamed as the body (downloads); `temporary` files are removed once sent. */
  readonly file?: { readonly path: string; readonly filename: string; readonly temporary?: boolean }
}

export type Handler = (state: EmulatorState, ctx: RequestContext) => Promise<Reply>

/** The site in the path, which must be the token's site (else 404000, see inferred.ts). */
export function siteOf(state: EmulatorState, ctx: RequestContext): SiteRecord {
  const id = ctx.params['site']!
  const site = state.catalog.site(id)
  if (!site || ctx.session?.siteId !== id) throw siteNotFound(id)
  return site
}

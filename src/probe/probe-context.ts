import type { z } from 'zod'
import type { WireBatch } from '../actions/wire-schema.js'
import type { SignInKind } from '../client/sessions/auth.js'
import type { ApiRequest } from '../client/transport/api-request.js'
import type { VizqlReader } from '../client/vizql-data-service/vds.js'
import type { PushClient } from '../plan/push-changes.js'
import type { ExpectedTable } from './probe-table.js'

/** What the probe needs from a client: the push flow, publish / delete, and the VizQL Data Service. */
export interface ProbeClient extends PushClient {
  readonly server: string
  readonly apiVersion: string
  /** How the client signed in; the probe records whether the update PATCH accepted that kind. */
  readonly signInKind?: SignInKind
  readonly vizql: VizqlReader
  readonly datasources: {
    publish(options: { file: string; name: string; projectId?: string; signal?: AbortSignal }): Promise<{
      id: string
      name: string
    }>
    delete(id: string): Promise<void>
  }
  updateData(request: {
    datasource: string
    actions: WireBatch
    uploadSessionId?: string
    requestId: string
    signal?: AbortSignal
  }): Promise<{ id: string }>
  /** One raw REST request (the upload-part limit is probed below the uploader). */
  request<S extends z.ZodType>(request: ApiRequest<S>): Promise<z.output<S>>
}

/** State shared by the probe's steps. */
export interface ProbeContext {
  readonly client: ProbeClient
  /** The scratch data source. */
  readonly datasource: string
  /** What the scratch data source should hold now. */
  readonly expected: ExpectedTable
  /** Whether the VizQL Data Service answered for the scratch data source. */
  readonly canReadBack: boolean
  /** A directory for the probe's files (removed at the end). */
  readonly dir: string
  readonly signal?: AbortSignal | undefined
  /** Publishes one more scratch data source (removed at the end); for the cross-data-source fact. */
  publishScratch(): Promise<string>
}

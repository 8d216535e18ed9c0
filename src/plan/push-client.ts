import type { WireBatch } from '../actions/wire-schema.js'
import type { Capabilities } from '../client/capabilities.js'
import type { VizqlReader } from '../client/vizql-data-service/vds.js'

/** What a PATCH answers: the job, with its times and finish code when it has already ended. */
export interface SubmittedJob {
  id: string
  createdAt?: string | undefined
  completedAt?: string | undefined
  finishCode?: number | undefined
}

/**
 * The part of TableauClient a push needs (structural, so tests and other transports can stand in).
 * `siteId` is part of every RequestID: the same run pushed to two sites never shares an id.
 */
export interface PushClient {
  readonly siteId?: string | undefined
  /** The VizQL Data Service reader `verify` uses (TableauClient has one). */
  readonly vizql?: VizqlReader
  /** What a probe found on the server (TableauClient has it): confirmed native operators are used. */
  readonly capabilities?: Capabilities | undefined
  findDatasource(query: { id: string } | { name: string; project?: string }): Promise<{ id: string; name?: string }>
  resolveConnection(datasourceId: string, connectionId?: string): Promise<string | undefined>
  uploadFile(
    path: string,
    options?: {
      onProgress?: (p: { uploadedBytes: number; totalBytes: number; part: number; parts: number }) => void
      signal?: AbortSignal
    },
  ): Promise<{ uploadSessionId: string }>
  updateData(request: {
    datasource: string
    connection?: string
    actions: WireBatch
    uploadSessionId?: string
    requestId: string
    signal?: AbortSignal
  }): Promise<SubmittedJob>
  /** Reads a job (TableauClient has it): used to check no job of an abandoned run still runs. */
  getJob?(id: string): Promise<{ id: string; completedAt?: string | undefined; finishCode?: number | undefined }>
  waitForJob(
    id: string,
    options?: {
      timeoutMs?: number
      signal?: AbortSignal
      cancelOnAbort?: boolean
      onProgress?: (job: { id: string; progress: number }) => void
    },
  ): Promise<{ id: string }>
}

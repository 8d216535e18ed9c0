import type { Environment, PushClient, PushOptions, PushProgress } from '../src/index.js'

/**
 * The options every pipeline forwards to pushChanges as they are. `now` and `logger` are the run's environment
 * (pass the client's): run ids, watermark timestamps and the push all read the same clock.
 */
export interface PipelinePushOptions extends Partial<Pick<Environment, 'now' | 'logger'>> {
  client: PushClient
  datasource: { id: string } | { name: string; project?: string }
  connection?: string
  runId?: string
  journal?: string
  maxSizeInMb?: number
  dir?: string
  onProgress?: (event: PushProgress) => void
}

/** Picks the forwarded options, leaving out the ones not given (the options are exact-optional). */
export function forwardPushOptions(o: PipelinePushOptions): Omit<PushOptions, 'batch' | 'rows'> {
  return {
    client: o.client,
    datasource: o.datasource,
    ...(o.connection !== undefined && { connection: o.connection }),
    ...(o.runId !== undefined && { runId: o.runId }),
    ...(o.journal !== undefined && { journal: o.journal }),
    ...(o.maxSizeInMb !== undefined && { maxSizeInMb: o.maxSizeInMb }),
    ...(o.dir !== undefined && { dir: o.dir }),
    ...(o.onProgress && { onProgress: o.onProgress }),
    ...(o.logger && { logger: o.logger }),
    ...(o.now && { now: o.now }),
  }
}

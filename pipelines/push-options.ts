import type { Environment, PushClient, PushOptions, PushProgress, StateDir } from '../src/index.js'

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
  /** One folder per lane: journal, lock, watermarks, history of finished runs, temp files (instead of `journal`). */
  stateDir?: string | StateDir
  /** Finished runs kept in the history (default 30). */
  keep?: number
  /** A random run id: send the same inputs again even if they were applied. */
  newRun?: boolean
  /** Abandon the journal's unfinished run of other inputs (refused while a job of it still runs). */
  abandonUnfinished?: boolean
  maxSizeInMb?: number
  dir?: string
  onProgress?: (event: PushProgress) => void
  /** On abort during a job wait, also cancel the job (default false: a rerun picks it up). */
  cancelOnAbort?: boolean
  /** Attempts per request across reruns (default 5). */
  maxAttempts?: number
}

/** Picks the forwarded options, leaving out the ones not given (the options are exact-optional). */
export function forwardPushOptions(o: PipelinePushOptions): Omit<PushOptions, 'batch' | 'rows'> {
  return {
    client: o.client,
    datasource: o.datasource,
    ...(o.connection !== undefined && { connection: o.connection }),
    ...(o.runId !== undefined && { runId: o.runId }),
    ...(o.journal !== undefined && { journal: o.journal }),
    ...(o.stateDir !== undefined && { stateDir: o.stateDir }),
    ...(o.keep !== undefined && { keep: o.keep }),
    ...(o.newRun !== undefined && { newRun: o.newRun }),
    ...(o.abandonUnfinished !== undefined && { abandonUnfinished: o.abandonUnfinished }),
    ...(o.maxSizeInMb !== undefined && { maxSizeInMb: o.maxSizeInMb }),
    ...(o.dir !== undefined && { dir: o.dir }),
    ...(o.onProgress && { onProgress: o.onProgress }),
    ...(o.logger && { logger: o.logger }),
    ...(o.now && { now: o.now }),
    ...(o.cancelOnAbort !== undefined && { cancelOnAbort: o.cancelOnAbort }),
    ...(o.maxAttempts !== undefined && { maxAttempts: o.maxAttempts }),
  }
}

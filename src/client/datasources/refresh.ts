import { HyperdeltaError, isHyperdeltaError } from '../../errors.js'
import { type Job, toJob } from '../jobs/job.js'
import { findQueuedRefresh } from '../jobs/queued-refresh.js'
import type { Send } from '../transport/api-request.js'
import { refreshDatasource } from './change-endpoints.js'

/** What `refresh` does when Tableau answers 409093 (a refresh of the data source is already queued). */
export type IfRefreshQueued = 'error' | 'return-queued'

export interface RefreshOptions {
  /**
   * `'error'` (default): throw `REFRESH_ALREADY_QUEUED`. `'return-queued'`: return the refresh job already queued
   * (found with Query Jobs and Query Job); `REFRESH_ALREADY_QUEUED` when it cannot be found, saying why.
   */
  ifQueued?: IfRefreshQueued
}

export const IF_REFRESH_QUEUED: readonly IfRefreshQueued[] = ['error', 'return-queued']

/** Update Data Source Now, with the 409093 policy of `options.ifQueued`. */
export async function refresh(send: Send, datasourceId: string, options: RefreshOptions = {}): Promise<Job> {
  const ifQueued = options.ifQueued ?? 'error'
  if (!IF_REFRESH_QUEUED.includes(ifQueued)) {
    throw new HyperdeltaError('CONFIG_INVALID', `datasources: ifQueued must be 'error' or 'return-queued'`, {
      details: { field: 'ifQueued', value: ifQueued },
    })
  }
  try {
    return toJob((await send(refreshDatasource(datasourceId))).job)
  } catch (error) {
    if (ifQueued === 'error' || !isHyperdeltaError(error, 'REFRESH_ALREADY_QUEUED')) throw error
    const found = await findQueuedRefresh(send, datasourceId)
    if (found.job) return found.job
    throw new HyperdeltaError(
      'REFRESH_ALREADY_QUEUED',
      `datasources: a refresh of data source ${datasourceId} is already queued (409093), but the queued job ` +
        `could not be found: ${found.reason}`,
      { cause: error, retryable: error.retryable, details: error.details },
    )
  }
}

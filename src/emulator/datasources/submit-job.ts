import { randomUUID } from 'node:crypto'
import type { EmulatorState } from '../runtime/state.js'
import { type JobRecord, restTimestamp } from '../store/catalog.js'

/** Queues a job that is not a Hyper Update (a refresh, an asynchronous publish) on a data source. */
export async function submitDatasourceJob(
  state: EmulatorState,
  type: 'RefreshExtract' | 'PublishDatasource',
  ds: { siteId: string; id: string; name: string },
): Promise<JobRecord> {
  const job: JobRecord = {
    id: randomUUID(),
    type,
    siteId: ds.siteId,
    datasourceId: ds.id,
    datasourceName: ds.name,
    connectionId: '',
    status: 'queued',
    progress: 0,
    createdAt: restTimestamp(),
    requestId: '',
    actionsJson: '[]',
  }
  state.catalog.data.jobs.push(job)
  await state.catalog.save()
  state.jobs.submit(job)
  return job
}

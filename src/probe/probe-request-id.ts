import { randomUUID } from 'node:crypto'
import { batch } from '../actions/batch.js'
import { writeChangeFiles } from '../payload/write-change-files.js'
import type { ProbeContext } from './probe-context.js'
import { failureEvidence, findingOf, judgeRows, type ProbeFinding, throwIfAborted } from './probe-steps.js'
import { currentRows, type ProbeRow, probeTable } from './probe-table.js'

const added = probeTable.as('added')
const row10: ProbeRow = { id: 10n, label: 'ten', flag: true, day: '2024-01-10', at: '2024-01-10T10:00:00Z' }

/** Uploads a fresh copy of the one-row insert payload and sends it with `requestId`; returns the job id. */
async function sendInsert(ctx: ProbeContext, datasource: string, requestId: string): Promise<string> {
  const files = await writeChangeFiles(added, [row10], { dir: ctx.dir })
  try {
    const { uploadSessionId } = await ctx.client.uploadFile(
      files.files[0]!.path,
      ctx.signal ? { signal: ctx.signal } : {},
    )
    const actions = batch().insert({ source: added, target: probeTable }).compile()
    const job = await ctx.client.updateData({
      datasource,
      actions,
      uploadSessionId,
      requestId,
      ...(ctx.signal && { signal: ctx.signal }),
    })
    await ctx.client.waitForJob(job.id, ctx.signal ? { signal: ctx.signal } : {})
    return job.id
  } finally {
    await files.dispose()
  }
}

const make = findingOf

/**
 * A repeated RequestID (same data source): the second PATCH must answer with the first job and
 * apply nothing twice. Then the same RequestID on a second scratch data source: does the server
 * treat it as a new request (per data source) or replay the first job (per site)?
 */
export async function requestIdSteps(ctx: ProbeContext, parquetAccepted: boolean): Promise<ProbeFinding[]> {
  const replay = make('requestIdReplay', 'the same RequestID answers with the first job; the row is inserted once')
  const perDs = make('requestIdPerDatasource', 'the same RequestID on another data source is a new request')
  if (!parquetAccepted) {
    const why = 'not tested: needs a Parquet payload, which this server refused'
    return [replay('unknown', why, ''), perDs('unknown', why, '')]
  }
  throwIfAborted(ctx)
  if (ctx.canReadBack) ctx.expected.resetTo(await currentRows(ctx.client.vizql, ctx.datasource))
  const requestId = `hyperdelta-probe-${randomUUID()}`
  let first: string
  try {
    first = await sendInsert(ctx, ctx.datasource, requestId)
  } catch (e) {
    throwIfAborted(ctx, e)
    const why = `not tested: the first insert failed (${failureEvidence(e)})`
    return [replay('unknown', why, ''), perDs('unknown', why, '')]
  }
  ctx.expected.put([row10])
  const findings: ProbeFinding[] = []
  try {
    const second = await sendInsert(ctx, ctx.datasource, requestId)
    const evidence = `first job ${first}, second answer job ${second}`
    if (second !== first)
      findings.push(replay('rejected', 'a new job was created for the repeated RequestID', evidence))
    else findings.push(await judgeRows(ctx, replay, evidence))
  } catch (e) {
    throwIfAborted(ctx, e)
    findings.push(replay('rejected', 'the repeated request failed', failureEvidence(e)))
  }
  try {
    const other = await ctx.publishScratch()
    const third = await sendInsert(ctx, other, requestId)
    findings.push(
      third === first
        ? perDs(
            'rejected',
            'the first job was returned: RequestIDs are per site',
            `job ${third} on data source ${other}`,
          )
        : perDs('confirmed', 'a new job ran on the second data source', `job ${third} (first ${first})`),
    )
  } catch (e) {
    throwIfAborted(ctx, e)
    findings.push(perDs('unknown', 'not tested: the second scratch data source failed', failureEvidence(e)))
  }
  return findings
}

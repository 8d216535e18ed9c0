import { HyperdeltaError, isHyperdeltaError } from '../errors.js'

/** A 404 for a job the run submitted: the server no longer knows it (jobs are not kept forever). */
export function unknownJob(
  error: unknown,
  input: { journalPath?: string | undefined },
  index: number,
  jobId: string,
  resumed: boolean,
): HyperdeltaError | undefined {
  if (!isHyperdeltaError(error, 'API_ERROR') || error.details.status !== 404) {
    return undefined
  }
  const where = resumed && input.journalPath ? `job ${jobId} recorded in journal ${input.journalPath}` : `job ${jobId}`
  return new HyperdeltaError(
    'JOB_NOT_FOUND',
    `push: request #${index}: the server no longer knows ${where}, so whether it was applied cannot be told; ` +
      'check the data source, then start a new run: abandon this one (--abandon-unfinished / abandonUnfinished: true)',
    {
      cause: error,
      details: { request: index, jobId, ...(input.journalPath !== undefined && { journal: input.journalPath }) },
    },
  )
}

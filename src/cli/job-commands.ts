import type { Job, TableauClient } from '../index.js'
import { checkPathValue } from '../internal.js'
import { FINISH_CODE } from '../wire.js'
import { defineCommand } from './command-table.js'
import { EXIT } from './exit-codes.js'
import { type CliIo, jsonReplacer, positiveNumber, SERVER_FLAGS } from './io.js'
import { type SignInFlags, signInFromFlags } from './sign-in.js'

/** Signs in, runs `use` with the client, and signs out whatever `use` does. */
async function withClient<T>(values: SignInFlags, io: CliIo, use: (client: TableauClient) => Promise<T>): Promise<T> {
  const { client } = await signInFromFlags(values, io)
  try {
    return await use(client)
  } finally {
    await client.close()
  }
}

/** The `<job-id>` argument, refused before signing in (exit 3) when it could change which resource is asked. */
function jobIdOf(positionals: readonly string[]): string {
  const id = positionals[0]!
  checkPathValue(id, '<job-id>')
  return id
}

export const jobWaitCommand = defineCommand({
  name: 'job wait',
  summary: 'Wait for a job to finish; exit 0 when it succeeded, 5 when it failed or was cancelled.',
  usage: '<job-id> [--timeout-s N] [--json]',
  positionals: ['<job-id>'],
  flags: { 'timeout-s': { type: 'string', arg: '<n>', help: 'give up after n seconds (exit 6)' }, ...SERVER_FLAGS },
  async run({ values, positionals, io }) {
    const id = jobIdOf(positionals)
    const timeout = positiveNumber('timeout-s', values['timeout-s'])
    return withClient(values, io, async (client) => {
      const job = await client.waitForJob(id, {
        ...(timeout !== undefined && { timeoutMs: timeout * 1000 }),
        signal: io.signal,
      })
      io.stdout.write(values.json ? `${JSON.stringify(job, jsonReplacer, 2)}\n` : `job ${id}: succeeded\n`)
      return 0
    })
  },
})

/** Where a job stands, as `job status` names it. */
export type JobState = 'running' | 'succeeded' | 'failed' | 'cancelled' | 'unknown'

/** The state of a job from its finish code (0 and 3 succeeded, 1 failed, 2 cancelled; none while running). */
export function jobState(job: Pick<Job, 'completedAt' | 'finishCode'>): JobState {
  if (!job.completedAt) return 'running'
  if (job.finishCode === FINISH_CODE.success || job.finishCode === FINISH_CODE.completed) return 'succeeded'
  if (job.finishCode === FINISH_CODE.failed) return 'failed'
  if (job.finishCode === FINISH_CODE.cancelled) return 'cancelled'
  return 'unknown'
}

/** `job status` exit codes: one per state, so a sensor can act on the code alone (docs/scale.md). */
export const JOB_STATUS_EXIT: Readonly<Record<JobState, number>> = {
  succeeded: EXIT.ok,
  failed: EXIT.failed,
  unknown: EXIT.failed,
  cancelled: EXIT.cancelled,
  running: EXIT.running,
}

export const jobStatusCommand = defineCommand({
  name: 'job status',
  summary: "Print a job's state once; exit 0 succeeded, 5 failed, 8 cancelled, 9 still running.",
  usage: '<job-id> [--json]',
  positionals: ['<job-id>'],
  flags: { ...SERVER_FLAGS },
  async run({ values, positionals, io }) {
    const id = jobIdOf(positionals)
    return withClient(values, io, async (client) => {
      const job = await client.getJob(id, io.signal)
      const state = jobState(job)
      io.stdout.write(values.json ? `${JSON.stringify({ ...job, state }, jsonReplacer, 2)}\n` : `job ${id}: ${state}\n`)
      return JOB_STATUS_EXIT[state]
    })
  },
})

export const jobCancelCommand = defineCommand({
  name: 'job cancel',
  summary: 'Ask the server to cancel a job; exit 5 when it had already ended.',
  usage: '<job-id> [--json]',
  positionals: ['<job-id>'],
  flags: { ...SERVER_FLAGS },
  async run({ values, positionals, io }) {
    const id = jobIdOf(positionals)
    return withClient(values, io, async (client) => {
      const state = jobState(await client.getJob(id, io.signal))
      if (state !== 'running') {
        io.stderr.write(`job ${id}: already ended (${state}); nothing to cancel\n`)
        if (values.json) io.stdout.write(`${JSON.stringify({ id, cancelled: false, state })}\n`)
        return EXIT.failed
      }
      await client.cancelJob(id)
      io.stdout.write(values.json ? `${JSON.stringify({ id, cancelled: true })}\n` : `job ${id}: cancel requested\n`)
      return 0
    })
  },
})

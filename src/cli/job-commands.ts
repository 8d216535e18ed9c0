import { checkPathValue, TableauClient } from '../index.js'
import { defineCommand } from './command-table.js'
import { connectionConfig } from './config.js'
import { type CliIo, cliLogger, jsonReplacer, positiveNumber, SERVER_FLAGS } from './io.js'

async function signIn(
  values: { server?: string | undefined; site?: string | undefined; 'log-level'?: string | undefined },
  io: CliIo,
) {
  const config = await connectionConfig(values, io.env)
  return TableauClient.signIn({ ...config, env: io.env, logger: cliLogger(values['log-level'], io) })
}

export const jobWaitCommand = defineCommand({
  name: 'job wait',
  summary: 'Wait for a job to finish; exit 0 when it succeeded, 5 when it failed or was cancelled.',
  usage: '<job-id> [--timeout-s N] [--json]',
  positionals: ['<job-id>'],
  flags: { 'timeout-s': { type: 'string', arg: '<n>', help: 'give up after n seconds (exit 6)' }, ...SERVER_FLAGS },
  async run({ values, positionals, io }) {
    const id = positionals[0]!
    const timeout = positiveNumber('timeout-s', values['timeout-s'])
    checkPathValue(id, '<job-id>') // refused before signing in (exit 3)
    const client = await signIn(values, io)
    try {
      const job = await client.waitForJob(id, {
        ...(timeout !== undefined && { timeoutMs: timeout * 1000 }),
        signal: io.signal,
      })
      io.stdout.write(values.json ? `${JSON.stringify(job, jsonReplacer, 2)}\n` : `job ${id}: succeeded\n`)
      return 0
    } finally {
      await client.close()
    }
  },
})

export const jobCancelCommand = defineCommand({
  name: 'job cancel',
  summary: 'Ask the server to cancel a job.',
  usage: '<job-id> [--json]',
  positionals: ['<job-id>'],
  flags: { ...SERVER_FLAGS },
  async run({ values, positionals, io }) {
    const id = positionals[0]!
    checkPathValue(id, '<job-id>') // refused before signing in (exit 3)
    const client = await signIn(values, io)
    try {
      await client.cancelJob(id)
      io.stdout.write(values.json ? `${JSON.stringify({ id, cancelled: true })}\n` : `job ${id}: cancel requested\n`)
      return 0
    } finally {
      await client.close()
    }
  },
})

import { parseArgs } from 'node:util'
import {
  consoleLogger,
  HyperdeltaError,
  isHyperdeltaError,
  LOG_LEVELS,
  type Logger,
  type LogLevel,
  payloadSummary,
  planChanges,
  pushChanges,
  silentLogger,
  summarizeReport,
  TableauClient,
  tableFromParquet,
} from '../index.js'
import { connectionConfig } from './config.js'
import { parseInputFlags, resolveInputs } from './inputs.js'
import { loadBatch, loadSchemaFile } from './load-batch.js'
import { progressRenderer } from './progress.js'

export interface CliIo {
  stdout: { write(s: string): boolean; isTTY?: boolean }
  stderr: { write(s: string): boolean; isTTY?: boolean }
  env: NodeJS.ProcessEnv
  signal: AbortSignal
}

const jsonReplacer = (_key: string, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)

function logger(level: string | undefined, io: CliIo): Logger {
  if (level === undefined) return silentLogger
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new HyperdeltaError('USAGE', `--log-level ${level}: use one of ${LOG_LEVELS.join(', ')}`)
  }
  return consoleLogger(level as LogLevel, (line) => io.stderr.write(`${line}\n`))
}

const COMMON = {
  server: { type: 'string' },
  site: { type: 'string' },
  json: { type: 'boolean', default: false },
  'log-level': { type: 'string' },
} as const

const BATCH_FLAGS = {
  ...COMMON,
  batch: { type: 'string' },
  input: { type: 'string', multiple: true },
  schema: { type: 'string' },
  'max-size-mb': { type: 'string' },
  'run-id': { type: 'string' },
  'duplicate-keys': { type: 'string' },
  datasource: { type: 'string' },
  'datasource-id': { type: 'string' },
  project: { type: 'string' },
  connection: { type: 'string' },
  journal: { type: 'string' },
  'job-timeout-s': { type: 'string' },
} as const

function positiveNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0)
    throw new HyperdeltaError('USAGE', `--${flag} ${value}: expected a positive number`)
  return n
}

interface BatchFlags {
  batch?: string | undefined
  input?: string[] | undefined
  schema?: string | undefined
  'max-size-mb'?: string | undefined
  'run-id'?: string | undefined
  'duplicate-keys'?: string | undefined
}

async function batchInputs(values: BatchFlags) {
  if (!values.batch) throw new HyperdeltaError('USAGE', '--batch <file.json|module.js> is required')
  const loaded = await loadBatch(values.batch)
  if (values.schema) for (const [name, table] of await loadSchemaFile(values.schema)) loaded.sources.set(name, table)
  const { rows, sources } = await resolveInputs(parseInputFlags(values.input ?? []), loaded.sources)
  const duplicateKeys = values['duplicate-keys']
  if (duplicateKeys !== undefined && duplicateKeys !== 'error' && duplicateKeys !== 'keep-last') {
    throw new HyperdeltaError('USAGE', `--duplicate-keys ${duplicateKeys}: use error or keep-last`)
  }
  return {
    batch: loaded.batch,
    sources: [...sources.values()],
    rows,
    ...(values['max-size-mb'] !== undefined && { maxSizeInMb: positiveNumber('max-size-mb', values['max-size-mb'])! }),
    ...(values['run-id'] !== undefined && { runId: values['run-id'] }),
    ...(duplicateKeys !== undefined && { duplicateKeys: duplicateKeys as 'error' | 'keep-last' }),
  }
}

/** `hyperdelta plan`: package the inputs and print the requests, without contacting any server. */
export async function planCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: BATCH_FLAGS, strict: true, allowPositionals: false })
  const plan = await planChanges({ ...(await batchInputs(values)), signal: io.signal })
  try {
    const summary = {
      runId: plan.runId,
      requests: plan.requests.map((r) => ({
        index: r.index,
        actions: r.actions,
        payload: payloadSummary(r.payload),
      })),
      rows: plan.rows,
      bytes: plan.bytes,
      warnings: plan.warnings,
    }
    if (values.json) io.stdout.write(`${JSON.stringify(summary, jsonReplacer, 2)}\n`)
    else {
      io.stdout.write(
        `plan ${plan.runId}: ${plan.requests.length} request(s), ${plan.rows} row(s), ${plan.bytes} byte(s)\n`,
      )
      for (const r of summary.requests) {
        const payload = r.payload
          ? `${r.payload.rows} row(s) of ${r.payload.table}, ${r.payload.bytes} bytes`
          : 'no payload'
        io.stdout.write(`  #${r.index} ${r.actions.map((a) => a.action).join('+')} (${payload})\n`)
      }
      for (const w of plan.warnings) io.stdout.write(`  warning: ${w}\n`)
    }
    return 0
  } finally {
    await plan.dispose()
  }
}

async function signIn(values: { server?: string | undefined; site?: string | undefined }, io: CliIo, log: Logger) {
  const config = connectionConfig(values, io.env)
  return TableauClient.signIn({ ...config, logger: log })
}

/** `hyperdelta push`: plan, upload, apply and wait, resumable with --journal. */
export async function pushCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: BATCH_FLAGS, strict: true, allowPositionals: false })
  const log = logger(values['log-level'], io)
  const datasource = values['datasource-id']
    ? { id: values['datasource-id'] }
    : values.datasource
      ? { name: values.datasource, ...(values.project !== undefined && { project: values.project }) }
      : undefined
  if (!datasource) throw new HyperdeltaError('USAGE', '--datasource <name> or --datasource-id <id> is required')
  const inputs = await batchInputs(values)
  const client = await signIn(values, io, log)
  const progress = progressRenderer(io.stderr)
  try {
    const report = await pushChanges({
      ...inputs,
      client,
      datasource,
      ...(values.connection !== undefined && { connection: values.connection }),
      ...(values.journal !== undefined && { journal: values.journal }),
      ...(values['job-timeout-s'] !== undefined && {
        jobTimeoutMs: positiveNumber('job-timeout-s', values['job-timeout-s'])! * 1000,
      }),
      onProgress: values.json ? undefined : progress.onProgress,
      logger: log,
      signal: io.signal,
    })
    io.stdout.write(values.json ? `${JSON.stringify(report, jsonReplacer, 2)}\n` : `${summarizeReport(report)}\n`)
    return 0
  } catch (error) {
    const report = isHyperdeltaError(error, 'PUSH_FAILED') ? error.details.report : undefined
    if (report)
      io.stdout.write(values.json ? `${JSON.stringify(report, jsonReplacer, 2)}\n` : `${summarizeReport(report)}\n`)
    throw error
  } finally {
    progress.finish()
    await client.close()
  }
}

/** `hyperdelta job wait <id>` and `hyperdelta job cancel <id>`. */
export async function jobCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { ...COMMON, 'timeout-s': { type: 'string' } },
    strict: true,
    allowPositionals: true,
  })
  const [verb, id] = positionals
  if ((verb !== 'wait' && verb !== 'cancel') || !id || positionals.length !== 2) {
    throw new HyperdeltaError('USAGE', 'usage: hyperdelta job wait <job-id> | hyperdelta job cancel <job-id>')
  }
  const client = await signIn(values, io, logger(values['log-level'], io))
  try {
    if (verb === 'cancel') {
      await client.cancelJob(id)
      io.stdout.write(values.json ? `${JSON.stringify({ id, cancelled: true })}\n` : `job ${id}: cancel requested\n`)
      return 0
    }
    const timeout = positiveNumber('timeout-s', values['timeout-s'])
    const job = await client.waitForJob(id, {
      ...(timeout !== undefined && { timeoutMs: timeout * 1000 }),
      signal: io.signal,
    })
    io.stdout.write(values.json ? `${JSON.stringify(job, jsonReplacer, 2)}\n` : `job ${id}: succeeded\n`)
    return 0
  } finally {
    await client.close()
  }
}

/** `hyperdelta emulator`: a local Tableau REST emulator until Ctrl-C. */
export async function emulatorCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string', default: '8787' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string', default: '.emulator' },
      'max-size-mb': { type: 'string' },
      user: { type: 'string', default: 'admin' },
      publish: { type: 'string', multiple: true },
      'log-level': { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  })
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new HyperdeltaError('USAGE', `--port ${values.port}: not a port`)
  const publish = parseInputFlags(values.publish ?? [])
  for (const [name, files] of publish) {
    if (files.length > 1) throw new HyperdeltaError('USAGE', `--publish ${name}: one Parquet file per data source`)
  }
  const { startEmulator } = await import('../emulator/index.js')
  const password = io.env.HYPERDELTA_EMULATOR_PASSWORD ?? 'admin'
  const pat = { name: 'local', secret: io.env.HYPERDELTA_EMULATOR_PAT_SECRET ?? 'local-secret' }
  const maxSizeInMb = positiveNumber('max-size-mb', values['max-size-mb'])
  const emu = await startEmulator({
    port,
    host: values.host,
    dataDir: values['data-dir'],
    users: [{ name: values.user, password, pat }],
    ...(maxSizeInMb !== undefined && { maxSizeInMb }),
    logger: logger(values['log-level'], io),
  })
  // --publish Orders=orders.parquet: an initial data source (Extract.Extract) from a Parquet file.
  try {
    for (const [name, files] of publish) {
      const table = await tableFromParquet(files[0]!, { schema: 'Extract', name: 'Extract' })
      const ds = await emu.createDatasource({ name, table, parquet: files[0]! })
      io.stdout.write(`published data source "${name}" (${ds.id}) from ${files[0]}\n`)
    }
  } catch (error) {
    await emu.close()
    throw error
  }
  io.stdout.write(
    `hyperdelta emulator listening on ${emu.url} (data in ${values['data-dir']})\n` +
      `  TABLEAU_SERVER=${emu.url} TABLEAU_SITE=\n` +
      `  user ${values.user} / password ${password}; TABLEAU_PAT_NAME=${pat.name} TABLEAU_PAT_SECRET=${pat.secret}\n` +
      '  (local test credentials; set HYPERDELTA_EMULATOR_PASSWORD / HYPERDELTA_EMULATOR_PAT_SECRET to change them)\n' +
      'Ctrl-C to stop.\n',
  )
  await new Promise<void>((resolve) => io.signal.addEventListener('abort', () => resolve(), { once: true }))
  await emu.close()
  return 0
}

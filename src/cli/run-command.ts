import { access } from 'node:fs/promises'
import { dirname, isAbsolute, resolve } from 'node:path'
import { HyperdeltaError } from '../index.js'
import { pushCommand } from './batch-commands.js'
import { cdcCommand } from './cdc-command.js'
import {
  type CliCommand,
  commandHelp,
  defineCommand,
  type FlagSpecs,
  type FlagValues,
  parseCommandArgs,
  usageError,
} from './command-table.js'
import { ENV } from './config.js'
import { EXIT } from './exit-codes.js'
import { type CliIo, jsonReplacer } from './io.js'
import { printList } from './list-output.js'
import { loadCommand } from './load-command.js'
import { type JobValues, type ProjectFile, type ProjectTarget, readProjectFile } from './project-file.js'

// `hyperdelta run <job>` and `hyperdelta jobs`: a project file's job runs as the command its pipeline names, with
// the job's keys as that command's flag values (flags on the run line win) and the target's server, site and
// credentials as its environment: the same code path as the equivalent `cdc` / `load` / `push` line.

const PIPELINES = { cdc: cdcCommand, load: loadCommand, push: pushCommand } as const
const DEFAULT_FILES = ['hyperdelta.yaml', 'hyperdelta.yml', 'hyperdelta.json']
/** Job keys holding paths: relative ones are relative to the project file's folder. */
const PATH_FLAGS = new Set(['previous', 'current', 'log', 'files', 'batch', 'schema', 'journal', 'state-dir'])
const CONFIG_FLAG = {
  type: 'string',
  arg: '<file>',
  help: `the project file (default ${DEFAULT_FILES.join(', ')})`,
} as const

async function projectFile(flag: string | undefined): Promise<ProjectFile> {
  let file = flag
  for (const candidate of flag === undefined ? DEFAULT_FILES : []) {
    if (
      await access(candidate).then(
        () => true,
        () => false,
      )
    ) {
      file = candidate
      break
    }
  }
  if (file === undefined) throw usageError(`no project file: pass --config <file> or create ${DEFAULT_FILES[0]}`)
  return readProjectFile(file, PIPELINES)
}

/** The job's values with relative paths resolved against the project file's folder. */
function resolvePaths(values: JobValues, dir: string): JobValues {
  const at = (p: string) => (isAbsolute(p) ? p : resolve(dir, p))
  const out: JobValues = {}
  for (const [key, value] of Object.entries(values)) {
    if (key === 'input' && Array.isArray(value)) {
      out[key] = value.map((v) =>
        v.includes('=') ? `${v.slice(0, v.indexOf('='))}=${at(v.slice(v.indexOf('=') + 1))}` : v,
      )
    } else if (PATH_FLAGS.has(key) && typeof value !== 'boolean') {
      out[key] = Array.isArray(value) ? value.map(at) : at(value)
    } else out[key] = value
  }
  return out
}

const SECRET_VARS = [ENV.patSecret, ENV.password, ENV.jwt, ENV.uat]
const AUTH_KEYS = [
  ['pat-secret', ENV.patSecret],
  ['password', ENV.password],
  ['jwt', ENV.jwt],
  ['uat', ENV.uat],
] as const

/** The environment a job runs with: the target's server, site and credentials in the variables the CLI reads. */
function targetEnv(
  project: ProjectFile,
  name: string,
  target: ProjectTarget,
  env: NodeJS.ProcessEnv,
): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env, [ENV.server]: target.server, [ENV.site]: target.site }
  for (const v of [ENV.patName, ENV.username, ...SECRET_VARS]) delete out[v]
  for (const v of SECRET_VARS) delete out[`${v}_FILE`]
  const { auth } = target
  if (auth['pat-name'] !== undefined) out[ENV.patName] = auth['pat-name']
  if (auth.username !== undefined) out[ENV.username] = auth.username
  for (const [key, variable] of AUTH_KEYS) {
    const fromEnv = auth[`${key}-env`]
    const file = auth[`${key}-file`]
    if (file !== undefined) out[`${variable}_FILE`] = resolve(dirname(project.file), file)
    if (fromEnv === undefined) continue
    if (!env[fromEnv]) {
      const at = project.at(['targets', name, 'auth', `${key}-env`])
      throw new HyperdeltaError('INPUT_INVALID', `${at}: target ${name}: environment variable ${fromEnv} is not set`, {
        details: { file: project.file, field: `targets.${name}.auth.${key}-env` },
      })
    }
    out[variable] = env[fromEnv]
  }
  return out
}

function pickTarget(project: ProjectFile, flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const names = Object.keys(project.targets)
  const name = flag ?? env.HYPERDELTA_TARGET ?? project.defaultTarget ?? (names.length === 1 ? names[0] : undefined)
  if (name === undefined)
    throw usageError(`several targets (${names.join(', ')}): pass --target or set HYPERDELTA_TARGET`)
  if (!(name in project.targets)) {
    throw new HyperdeltaError(
      'INPUT_INVALID',
      `${project.at(['targets'], true)}: no target "${name}" (targets: ${names.join(', ')})`,
      { details: { file: project.file, field: 'targets' } },
    )
  }
  return name
}

/** `--name value` / `--name=value` taken out of `args`. */
function takeFlag(args: string[], name: string): string | undefined {
  const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`))
  if (i === -1) return undefined
  const [arg] = args.splice(i, 1)
  if (arg!.includes('=')) return arg!.slice(arg!.indexOf('=') + 1)
  const value = args.splice(i, 1)[0]
  if (value === undefined || value.startsWith('--')) throw usageError(`--${name} needs a value`)
  return value
}

/** The command and flag values a job runs with (the file's, then the run line's), and its environment. */
export async function jobInvocation(args: string[], io: CliIo) {
  const [job, ...rest] = args
  if (job === undefined || job.startsWith('-')) throw usageError('missing <job>')
  const config = takeFlag(rest, 'config')
  const targetFlag = takeFlag(rest, 'target')
  const project = await projectFile(config)
  const spec = project.jobs[job]
  if (!spec) {
    throw usageError(`no job "${job}" in ${project.file} (jobs: ${Object.keys(project.jobs).join(', ') || 'none'})`)
  }
  const command: CliCommand = PIPELINES[spec.pipeline]
  const line = parseCommandArgs(command, rest)
  const targetName = pickTarget(project, targetFlag, io.env)
  const target = project.targets[targetName]!
  const values: Record<string, unknown> = {
    ...resolvePaths(spec.values, dirname(project.file)),
    ...(target.capabilities !== undefined && { capabilities: resolve(dirname(project.file), target.capabilities) }),
  }
  if (target.project !== undefined && values.project === undefined && values['datasource-id'] === undefined) {
    values.project = target.project
  }
  for (const [key, value] of Object.entries(line.values)) if (value !== undefined) values[key] = value
  return { command, values: values as FlagValues<FlagSpecs>, env: targetEnv(project, targetName, target, io.env) }
}

export const runCommand = defineCommand({
  name: 'run',
  summary: "Run a project file's job on a target, as the cdc / load / push line it stands for.",
  usage: "<job> [--target <name>] [--config <file>] [<flags of the job's command>]",
  flags: {
    target: {
      type: 'string',
      arg: '<name>',
      help: 'the target (default HYPERDELTA_TARGET, default-target, the only one)',
    },
    config: CONFIG_FLAG,
  },
  notes: `flags after <job> are the job's command's (cdc, load, push) and override the file's values`,
  raw: true,
  async run({ positionals, io }) {
    if (positionals.some((a) => a === '--help' || a === '-h')) {
      io.stdout.write(commandHelp(runCommand))
      return EXIT.ok
    }
    const { command, values, env } = await jobInvocation([...positionals], io)
    return command.run({ values, positionals: [], io: { ...io, env } })
  },
})

export const jobsCommand = defineCommand({
  name: 'jobs',
  summary: "List and validate the project file's targets and jobs (exit 3 naming file:line:column if invalid).",
  usage: '[--config <file>] [--json]',
  flags: { config: CONFIG_FLAG, json: { type: 'boolean', help: 'print as JSON' } },
  async run({ values, io }) {
    const project = await projectFile(values.config as string | undefined)
    const jobs = Object.entries(project.jobs).map(([name, j]) => ({
      name,
      pipeline: j.pipeline,
      datasource: j.values.datasource ?? j.values['datasource-id'],
    }))
    const targets = Object.entries(project.targets).map(([name, t]) => ({ name, server: t.server, site: t.site }))
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ file: project.file, targets, jobs }, jsonReplacer, 2)}\n`)
      return EXIT.ok
    }
    // One list, targets then jobs: a target's server and site, a job's pipeline and data source.
    const rows = [
      ...targets.map((t) => ({ kind: 'target', name: t.name, a: t.server, b: t.site })),
      ...jobs.map((j) => ({ kind: 'job', name: j.name, a: j.pipeline, b: j.datasource })),
    ]
    return printList(io, false, undefined, rows, [
      { header: 'kind', value: (r) => r.kind },
      { header: 'name', value: (r) => r.name },
      { header: 'server|pipeline', value: (r) => r.a },
      { header: 'site|datasource', value: (r) => (Array.isArray(r.b) ? r.b.join(',') : r.b) },
    ])
  },
})

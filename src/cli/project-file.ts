import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml'
import { z } from 'zod'
import { HyperdeltaError } from '../index.js'
import type { CliCommand } from './command-table.js'
import { readInputText } from './input-files.js'

// The project file (hyperdelta.yaml, or JSON: YAML reads both): named targets (server, site, project, and
// credentials as environment variable NAMES or secret FILE paths, never a secret) and named jobs, whose keys are
// the flags of the command their `pipeline` names. Every mistake is INPUT_INVALID naming file, line and column.

/** Flags a job cannot set: the target gives the server, the run command the output. */
export const JOB_EXCLUDED_FLAGS: ReadonlySet<string> = new Set(['server', 'site', 'json', 'log-level'])

const name = z.string().min(1)
const authSchema = z
  .strictObject({
    'pat-name': name.optional(),
    'pat-secret-env': name.optional(),
    'pat-secret-file': name.optional(),
    username: name.optional(),
    'password-env': name.optional(),
    'password-file': name.optional(),
    'jwt-env': name.optional(),
    'jwt-file': name.optional(),
    'uat-env': name.optional(),
    'uat-file': name.optional(),
  })
  .superRefine((a, ctx) => {
    const kinds = [
      a['pat-name'] !== undefined && 'pat',
      a.username !== undefined && 'password',
      (a['jwt-env'] ?? a['jwt-file']) !== undefined && 'jwt',
      (a['uat-env'] ?? a['uat-file']) !== undefined && 'uat',
    ].filter(Boolean)
    const secret = (env: string | undefined, file: string | undefined, what: string) => {
      if ((env === undefined) === (file === undefined)) {
        ctx.addIssue({ code: 'custom', message: `give one of ${what}-env (a variable name) or ${what}-file (a path)` })
      }
    }
    if (kinds.length !== 1) {
      ctx.addIssue({ code: 'custom', message: 'give one of pat-name, username, jwt-env/jwt-file or uat-env/uat-file' })
    } else if (kinds[0] === 'pat') secret(a['pat-secret-env'], a['pat-secret-file'], 'pat-secret')
    else if (kinds[0] === 'password') secret(a['password-env'], a['password-file'], 'password')
    else if (kinds[0] === 'jwt') secret(a['jwt-env'], a['jwt-file'], 'jwt')
    else secret(a['uat-env'], a['uat-file'], 'uat')
  })
export type TargetAuth = z.infer<typeof authSchema>

const targetSchema = z.strictObject({
  server: z.url(),
  site: z.string().default(''),
  project: name.optional(),
  auth: authSchema,
  capabilities: name.optional(),
})
export type ProjectTarget = z.infer<typeof targetSchema>

const fileSchema = z.strictObject({
  'default-target': name.optional(),
  targets: z.record(name, targetSchema),
  jobs: z.record(name, z.looseObject({ pipeline: z.enum(['cdc', 'load', 'push']) })).default({}),
})

export type JobValues = Record<string, string | string[] | boolean>
export interface ProjectJob {
  pipeline: 'cdc' | 'load' | 'push'
  /** The job's keys as the pipeline command's flag values. */
  values: JobValues
}

export interface ProjectFile {
  file: string
  defaultTarget?: string
  targets: Record<string, ProjectTarget>
  jobs: Record<string, ProjectJob>
  /** `file:line:column` of a node at `path` (of its key with `key`), for errors found later. */
  at(path: readonly (string | number)[], key?: boolean): string
}

/** The zod schema of a job of `command`: its flags (less the excluded ones) with their types, nothing else. */
function jobSchema(command: CliCommand) {
  const text = z.union([z.string(), z.number()]).transform(String)
  const shape: Record<string, z.ZodType> = { pipeline: z.string() }
  for (const [flag, spec] of Object.entries(command.flags)) {
    if (JOB_EXCLUDED_FLAGS.has(flag)) continue
    shape[flag] =
      spec.type === 'boolean'
        ? z.boolean().optional()
        : spec.multiple
          ? z.union([text.transform((v) => [v]), z.array(text)]).optional()
          : text.optional()
  }
  return z.strictObject(shape)
}

/** The node at `path` and the key node naming it (the document root has none). */
function locate(root: Node | null, path: readonly PropertyKey[]): { node: Node | null; key?: Node } {
  let node = root
  let key: Node | undefined
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === segment)
      if (!pair) break
      key = pair.key as Node
      node = pair.value as Node | null
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment] as Node | null
    } else break
  }
  return { node, ...(key && { key }) }
}

function invalid(file: string, where: { line: number; col: number }, message: string): HyperdeltaError {
  return new HyperdeltaError('INPUT_INVALID', `${file}:${where.line}:${where.col}: ${message}`, {
    details: { file, line: where.line, column: where.col },
  })
}

/** Reads, parses and validates a project file; the commands are the ones jobs' pipelines name. */
export async function readProjectFile(
  file: string,
  commands: Readonly<Record<ProjectJob['pipeline'], CliCommand>>,
): Promise<ProjectFile> {
  const text = await readInputText('--config', file)
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true })
  const syntax = doc.errors[0]
  if (syntax) {
    const pos = syntax.linePos?.[0] ?? { line: 1, col: 1 }
    throw invalid(file, pos, `not valid YAML/JSON: ${syntax.message.split('\n')[0]}`)
  }
  const posOf = (path: readonly PropertyKey[], atKey = false) => {
    const { node, key } = locate(doc.contents as Node | null, path)
    const start = (atKey && key ? key : (node ?? key))?.range?.[0] ?? 0
    return lines.linePos(start)
  }
  const fail = (issue: z.core.$ZodIssue, prefix: readonly PropertyKey[] = []): never => {
    const path = [...prefix, ...issue.path]
    if (issue.code === 'unrecognized_keys') {
      const where = posOf([...path, issue.keys[0]!], true)
      const at = path.length > 0 ? ` in ${path.join('.')}` : ''
      throw invalid(file, where, `unknown key "${issue.keys[0]}"${at}`)
    }
    const label = path.length > 0 ? `${path.join('.')}: ` : ''
    throw invalid(file, posOf(path), `${label}${issue.message}`)
  }
  const parsed = fileSchema.safeParse(doc.toJS())
  if (!parsed.success) return fail(parsed.error.issues[0]!)
  const jobs: Record<string, ProjectJob> = {}
  for (const [jobName, raw] of Object.entries(parsed.data.jobs)) {
    const result = jobSchema(commands[raw.pipeline]).safeParse(raw)
    if (!result.success) return fail(result.error.issues[0]!, ['jobs', jobName])
    const { pipeline: _, ...values } = result.data as JobValues
    jobs[jobName] = { pipeline: raw.pipeline, values }
  }
  const defaultTarget = parsed.data['default-target']
  if (defaultTarget !== undefined && !(defaultTarget in parsed.data.targets)) {
    throw invalid(file, posOf(['default-target']), `default-target: no target "${defaultTarget}"`)
  }
  return {
    file,
    ...(defaultTarget !== undefined && { defaultTarget }),
    targets: parsed.data.targets,
    jobs,
    at: (path, key) => {
      const { line, col } = posOf(path, key)
      return `${file}:${line}:${col}`
    },
  }
}

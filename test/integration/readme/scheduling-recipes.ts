import type { ReadmeBlock } from './readme-blocks.js'

/**
 * The scheduling recipes of docs/scale.md as runnable commands, read from its blocks as written: the Kubernetes
 * CronJob's container args and env, the Indexed Job's shell script, the Airflow task's bash_command. Only the
 * paths of the container or worker (`/config`, `/data`, `/state`, the mounted secret) and the server are
 * swapped for the test's (`place`).
 */
export interface Recipe {
  name: string
  /** The data source the recipe pushes to in the test. */
  datasource: string
  project?: string
  /** Where the recipe reads its batch and its night's input (after `place`). */
  batch: string
  input: string
  /** The state dir it keeps (after `place`). */
  stateDir: string
  /** What to run: an argv (a container's args) or a shell script, with its environment. */
  argv: string[]
  env: Record<string, string>
}

export interface Place {
  root: string
  server: string
  secretFile: string
}

function swap(text: string, place: Place): string {
  return text
    .replaceAll('https://tableau.example.com', place.server)
    .replaceAll('/run/secrets/tableau/pat-secret', place.secretFile)
    .replace(/(^|[\s"'[,=])\/(config|data|state)\//g, `$1${place.root}/$2/`)
}

function block(blocks: readonly ReadmeBlock[], lang: string, marker: string): ReadmeBlock {
  const found = blocks.find((b) => b.lang === lang && b.code.includes(marker))
  if (!found) throw new Error(`docs/scale.md: no ${lang} block with ${marker}`)
  return found
}

function flag(argv: readonly string[], name: string): string {
  const i = argv.indexOf(name)
  if (i < 0) throw new Error(`recipe: no ${name} in ${argv.join(' ')}`)
  return argv[i + 1]!
}

function fromArgv(name: string, argv: string[], env: Record<string, string>, place: Place): Recipe {
  const input = flag(argv, '--input')
  return {
    name,
    datasource: flag(argv, '--datasource'),
    ...(argv.includes('--project') && { project: flag(argv, '--project') }),
    batch: flag(argv, '--batch'),
    input: input.slice(input.indexOf('=') + 1),
    stateDir: flag(argv, '--state-dir'),
    argv,
    env: { ...env, TABLEAU_SERVER: place.server },
  }
}

/** The CronJob: `args: [push, --batch, …]` and the `env:` entries of its container. */
export function cronJobRecipe(blocks: readonly ReadmeBlock[], place: Place): Recipe {
  const code = block(blocks, 'yaml', 'kind: CronJob').code
  const args = /args:\s*\[([\s\S]*?)\]/.exec(code)![1]!
  const argv = ['hyperdelta', ...args.split(',').map((a) => swap(a.trim(), place))]
  const env = Object.fromEntries(
    [...code.matchAll(/-\s*\{\s*name:\s*(\w+),\s*value:\s*([^}]+?)\s*\}/g)].map((m) => [m[1]!, swap(m[2]!, place)]),
  )
  return fromArgv('Kubernetes CronJob', argv, env, place)
}

/** The Indexed Job: its `sh -c` script, run for `index` (JOB_COMPLETION_INDEX). */
export function indexedJobRecipe(
  blocks: readonly ReadmeBlock[],
  place: Place,
  index: number,
  env: Record<string, string>,
): Recipe {
  const code = block(blocks, 'yaml', 'completionMode: Indexed').code
  const lines = code.split('\n')
  const start = lines.findIndex((l) => l.trim() === '- |') + 1
  const indent = /^\s*/.exec(lines[start]!)![0].length
  const end = lines.findIndex((l, i) => i >= start && l.trim() !== '' && /^\s*/.exec(l)![0].length < indent)
  const body = lines.slice(start, end < 0 ? undefined : end)
  const script = swap(body.map((l) => l.slice(indent)).join('\n'), place)
  const names = /set -- (.+)/.exec(script)![1]!.trim().split(/\s+/)
  const ds = names[index]!
  const argv = ['sh', '-c', script]
  const expanded = script.replaceAll('"$ds"', ds).replaceAll('$ds', ds)
  const words = expanded.slice(expanded.indexOf('hyperdelta push')).replace(/\\\n/g, ' ').split(/\s+/)
  const recipe = fromArgv(
    'Kubernetes Indexed Job',
    words.map((w) => w.replaceAll('"', '')),
    env,
    place,
  )
  return { ...recipe, argv, env: { ...recipe.env, JOB_COMPLETION_INDEX: String(index) } }
}

/** The Airflow task for data source `ds`: its f-string bash_command with `{ds}` filled in. */
export function airflowRecipe(
  blocks: readonly ReadmeBlock[],
  place: Place,
  ds: string,
  env: Record<string, string>,
): Recipe {
  const code = block(blocks, 'python', 'BashOperator').code
  const command = /bash_command=\(([\s\S]*?)\),/.exec(code)![1]!
  const text = [...command.matchAll(/f"([^"]*)"/g)].map((m) => m[1]).join('')
  const filled = swap(text.replaceAll('{ds}', ds).replaceAll('{ds.lower()}', ds.toLowerCase()), place)
  const recipe = fromArgv('Airflow BashOperator', filled.trim().split(/\s+/), env, place)
  return { ...recipe, argv: ['bash', '-c', filled] }
}

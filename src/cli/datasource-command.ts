import { stat } from 'node:fs/promises'
import { consoleLogger, HyperdeltaError, LOG_LEVELS, type LogLevel, silentLogger, TableauClient } from '../index.js'
import type { CliIo } from './commands.js'
import { connectionConfig } from './config.js'
import { parse, usage, type VerbContext } from './datasource-flags.js'
import { VERBS } from './datasource-verbs.js'

// `hyperdelta datasource <verb> …`: every Data Sources method from the command line. Same conventions and exit
// codes as `push` (usage 2, bad input 3, server/lookup 4, failed job 5, interrupted 6); --json prints JSON.

/** `hyperdelta datasource …` */
export async function datasourceCommand(argv: string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(argv)
  } catch (e) {
    throw usage((e as Error).message)
  }
  const [verb, ...args] = parsed.positionals
  const run = verb === undefined ? undefined : VERBS[verb]
  if (!run) throw usage(verb === undefined ? 'a verb is required' : `unknown verb "${verb}"`)
  const flags = parsed.values
  if (verb === 'publish') await requireFile(args[0])
  const level = flags['log-level']
  if (level !== undefined && !(LOG_LEVELS as readonly string[]).includes(level)) {
    throw usage(`--log-level ${level}: use one of ${LOG_LEVELS.join(', ')}`)
  }
  const logger =
    level === undefined ? silentLogger : consoleLogger(level as LogLevel, (line) => io.stderr.write(`${line}\n`))
  const client = await TableauClient.signIn({ ...connectionConfig(flags, io.env), logger })
  try {
    const ctx: VerbContext = {
      client,
      flags,
      args,
      io,
      print: (value, text) => {
        io.stdout.write(flags.json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`)
      },
      datasourceId: async () => {
        if (args[0] !== undefined) return args[0]
        if (flags.name === undefined) throw usage(`${verb}: pass the data source id or --name`)
        const ds = await client.findDatasource({
          name: flags.name,
          ...(flags.project !== undefined && { project: flags.project }),
        })
        return ds.id
      },
    }
    return await run(ctx)
  } finally {
    await client.close()
  }
}

/** A publish file must exist before anything is sent (exit 3 otherwise). */
async function requireFile(path: string | undefined): Promise<void> {
  if (path === undefined) throw usage('publish: the file to publish is required')
  try {
    if (!(await stat(path)).isFile()) throw new Error('not a regular file')
  } catch (cause) {
    throw new HyperdeltaError('INPUT_INVALID', `datasource publish: cannot read ${path}: ${(cause as Error).message}`, {
      cause,
      details: { path },
    })
  }
}

import { parseArgs } from 'node:util'
import {
  checkPathValue,
  consoleLogger,
  HyperdeltaError,
  LOG_LEVELS,
  type LogLevel,
  silentLogger,
  TableauClient,
} from '../index.js'
import { connectionConfig } from './config.js'
import type { CliIo } from './io.js'
import { VCONN_SUBCOMMANDS, type VconnSubcommand } from './vconn-subcommands.js'

// `hyperdelta vconn <verb> …`: the Virtual Connections API from the shell. Each verb is a table entry in
// vconn-subcommands.ts (flags, usage, run); this file only parses and signs in.

export const VCONN_USAGE = `usage: hyperdelta vconn <verb> [flags]
${VCONN_SUBCOMMANDS.map((c) => `  hyperdelta vconn ${c.name} ${c.usage}\n      ${c.summary}`).join('\n')}
common flags: --server <url> --site <contentUrl> --format xml|json --json --log-level <level>
`

const COMMON = {
  server: { type: 'string' },
  site: { type: 'string' },
  format: { type: 'string' },
  json: { type: 'boolean', default: false },
  'log-level': { type: 'string' },
} as const

async function signIn(values: Record<string, unknown>, io: CliIo): Promise<TableauClient> {
  const level = values['log-level'] as string | undefined
  if (level !== undefined && !(LOG_LEVELS as readonly string[]).includes(level))
    throw new HyperdeltaError('USAGE', `--log-level ${level}: use one of ${LOG_LEVELS.join(', ')}`)
  const logger = level === undefined ? silentLogger : consoleLogger(level as LogLevel, (l) => io.stderr.write(`${l}\n`))
  const config = await connectionConfig(
    { server: values['server'] as string | undefined, site: values['site'] as string | undefined },
    io.env,
  )
  return TableauClient.signIn({ ...config, logger })
}

/** `hyperdelta vconn …`; returns the exit code (errors are thrown and mapped by runCli, like push). */
export async function vconnCommand(args: string[], io: CliIo): Promise<number> {
  const [verb, ...rest] = args
  const command: VconnSubcommand | undefined = VCONN_SUBCOMMANDS.find((c) => c.name === verb)
  if (!command) {
    if (verb === undefined || verb === '--help' || verb === 'help') {
      io.stdout.write(VCONN_USAGE)
      return verb === undefined ? 2 : 0
    }
    throw new HyperdeltaError('USAGE', `unknown command "vconn ${verb}"\n${VCONN_USAGE}`)
  }
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({ args: rest, options: { ...COMMON, ...command.flags }, strict: true, allowPositionals: true })
  } catch (e) {
    throw new HyperdeltaError(
      'USAGE',
      `${(e as Error).message}\nusage: hyperdelta vconn ${command.name} ${command.usage}`,
    )
  }
  const { values, positionals } = parsed
  const [min, max] = command.positionals
  if (positionals.length < min || positionals.length > max)
    throw new HyperdeltaError('USAGE', `usage: hyperdelta vconn ${command.name} ${command.usage}`)
  // Ids and labels that go into request paths: a value such as `..` is refused before signing in (exit 3).
  const inPath: [string, unknown][] = [
    ['<id>', positionals[0]],
    ['<label>', command.name === 'untag' ? positionals[1] : undefined],
    ['--modify', values['modify']],
  ]
  for (const [field, value] of inPath) if (value !== undefined) checkPathValue(value, field)
  const client = await signIn(values, io)
  try {
    return await command.run({ client, values, positionals, io })
  } finally {
    await client.close()
  }
}

import { HyperdeltaError, type TableauClient } from '../index.js'
import type { FlagValues } from './command-table.js'
import type { DATASOURCE_FLAGS } from './datasource-table.js'
import type { CliIo } from './io.js'

// Flags, usage and the verb context of `hyperdelta datasource`.

/** The flags a verb was given; booleans with a default are always there. */
export type Flags = Omit<FlagValues<typeof DATASOURCE_FLAGS>, 'as-job' | 'wait' | 'embed' | 'no-extract'> & {
  'as-job': boolean
  wait: boolean
  embed: boolean
  'no-extract': boolean
  server?: string | undefined
  site?: string | undefined
  json?: boolean | undefined
  'log-level'?: string | undefined
}

export const usage = (message: string): HyperdeltaError => new HyperdeltaError('USAGE', `datasource: ${message}`)

/** What a verb gets: the signed-in client, flags, positionals after the verb, io, and output helpers. */
export interface VerbContext {
  client: TableauClient
  flags: Flags
  args: string[]
  io: CliIo
  /** Prints `value` as JSON with --json, else `text`. */
  print(value: unknown, text: string): void
  /** The data source named by `<id>` (first positional) or --name [--project]. */
  datasourceId(): Promise<string>
}

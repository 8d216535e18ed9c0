import { HyperdeltaError, type TableauClient } from '../index.js'
import type { FlagSpec, FlagValues } from './command-table.js'
import type { CliIo } from './io.js'

// Flags, usage and the verb context of `hyperdelta datasource`.

const str = (arg: string, help: string) => ({ type: 'string', arg, help }) as const
const bool = (help: string) => ({ type: 'boolean', default: false, help }) as const

/** Every flag a verb may take; each verb lists the ones it takes. */
export const DATASOURCE_FLAGS = {
  name: str('<name>', 'the data source by name (instead of <id>); publish: its name'),
  project: str('<name>', 'project of --name when names repeat'),
  filter: { type: 'string', multiple: true, arg: '<field:op:value>', help: 'filter (value [a,b] for in); repeatable' },
  sort: { type: 'string', multiple: true, arg: '<field:asc|desc>', help: 'sort order; repeatable' },
  fields: str('<a,b>', 'fields to return'),
  'page-size': str('<n>', 'items per page'),
  'project-id': str('<luid>', 'the project (publish into, move to)'),
  description: str('<text>', 'description'),
  mode: str('create|overwrite|append', 'publish mode (default create)'),
  'as-job': bool('publish asynchronously: print the job'),
  wait: bool('wait for the job to end'),
  'timeout-s': str('<n>', 'give up waiting after n seconds'),
  'if-queued': str('error|return-queued', 'refresh already queued (409093): fail (default) or use the queued job'),
  'credentials-user': str('<user>', 'connection user to embed (password: TABLEAU_DATASOURCE_PASSWORD)'),
  embed: bool('embed the connection credentials'),
  'upload-session': { type: 'boolean', help: 'always publish through an upload session' },
  to: str('<file|dir>', 'where to save the download'),
  'no-extract': bool('download without the extract'),
  revision: str('<n>', 'download this revision'),
  remove: str('<n>', 'remove this revision'),
  'new-name': str('<name>', 'rename'),
  'owner-id': str('<luid>', 'new owner'),
  certified: str('true|false', 'certification'),
  'certification-note': str('<text>', 'certification note'),
  'encrypt-extracts': str('true|false', 'encrypt extracts'),
  update: str('<connection-id>', 'the connection to update (password: TABLEAU_CONNECTION_PASSWORD)'),
  'server-address': str('<host>', "the connection's server address"),
  'server-port': str('<port>', "the connection's port"),
  'user-name': str('<user>', "the connection's user name"),
  'embed-password': str('true|false', 'embed the connection password'),
  'dest-site-url-namespace': str('<ns>', 'keychain retrieve: destination site URL namespace'),
  'dest-site-luid': str('<luid>', 'keychain retrieve: destination site LUID'),
  'dest-server-url': str('<url>', 'keychain retrieve: destination server URL'),
  keychain: {
    type: 'string',
    multiple: true,
    arg: '<encrypted>',
    help: 'keychain apply: an encrypted keychain; repeatable',
  },
} as const satisfies Record<string, FlagSpec>

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

import { parseArgs } from 'node:util'
import { HyperdeltaError, type TableauClient } from '../index.js'
import type { CliIo } from './commands.js'

// Flags, usage and the verb context of `hyperdelta datasource`.

export const DATASOURCE_USAGE = `usage: hyperdelta datasource <verb> [<id> | --name <name> [--project <name>]] [flags] [--json]
  list [--filter field:op:value]... [--sort field:asc|desc]... [--fields a,b] [--page-size N]
  get <ds>                      connections <ds> [--update <connection-id> --server-address A --server-port P
                                  --user-name U --embed-password true|false]   (password: TABLEAU_CONNECTION_PASSWORD)
  publish <file> --name N [--project-id P] [--description D] [--mode create|overwrite|append] [--as-job] [--wait]
                  [--credentials-user U --embed] (password: TABLEAU_DATASOURCE_PASSWORD) [--upload-session]
  download <ds> --to <file|dir> [--no-extract] [--revision N]
  update <ds> [--new-name N] [--project-id P] [--owner-id U] [--certified true|false] [--certification-note T]
              [--encrypt-extracts true|false] [--description D]
  delete <ds>          refresh <ds> [--wait] [--timeout-s N]          tag|untag <id> <tag>...
  revisions <ds> [--remove N]
  keychain retrieve <id> --dest-site-url-namespace S --dest-site-luid L --dest-server-url U
  keychain apply <id> --keychain K [--keychain K]...
`

export const FLAGS = {
  server: { type: 'string' },
  site: { type: 'string' },
  json: { type: 'boolean', default: false },
  'log-level': { type: 'string' },
  name: { type: 'string' },
  project: { type: 'string' },
  filter: { type: 'string', multiple: true },
  sort: { type: 'string', multiple: true },
  fields: { type: 'string' },
  'page-size': { type: 'string' },
  'project-id': { type: 'string' },
  description: { type: 'string' },
  mode: { type: 'string' },
  'as-job': { type: 'boolean', default: false },
  wait: { type: 'boolean', default: false },
  'timeout-s': { type: 'string' },
  'credentials-user': { type: 'string' },
  embed: { type: 'boolean', default: false },
  'upload-session': { type: 'boolean' },
  to: { type: 'string' },
  'no-extract': { type: 'boolean', default: false },
  revision: { type: 'string' },
  remove: { type: 'string' },
  'new-name': { type: 'string' },
  'owner-id': { type: 'string' },
  certified: { type: 'string' },
  'certification-note': { type: 'string' },
  'encrypt-extracts': { type: 'string' },
  update: { type: 'string' },
  'server-address': { type: 'string' },
  'server-port': { type: 'string' },
  'user-name': { type: 'string' },
  'embed-password': { type: 'string' },
  'dest-site-url-namespace': { type: 'string' },
  'dest-site-luid': { type: 'string' },
  'dest-server-url': { type: 'string' },
  keychain: { type: 'string', multiple: true },
} as const

export type Flags = ReturnType<typeof parse>['values']
export const parse = (args: string[]) => parseArgs({ args, options: FLAGS, strict: true, allowPositionals: true })

export const usage = (message: string): HyperdeltaError =>
  new HyperdeltaError('USAGE', `datasource: ${message}\n${DATASOURCE_USAGE}`)

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

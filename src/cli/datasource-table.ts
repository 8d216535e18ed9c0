import { type CliCommand, defineCommand, type FlagSpec } from './command-table.js'
import { runDatasourceVerb } from './datasource-command.js'
import { DATASOURCE_FLAGS } from './datasource-flags.js'
import { SERVER_FLAGS } from './io.js'

// `hyperdelta datasource <verb>`: one command-table entry per verb, each with only its own flags, so `--help`,
// usage errors and the top-level help come from the one table like every other command.

type FlagName = keyof typeof DATASOURCE_FLAGS
const COMMON = {
  server: SERVER_FLAGS.server,
  site: SERVER_FLAGS.site,
  json: SERVER_FLAGS.json,
  'log-level': SERVER_FLAGS['log-level'],
}
const BY_NAME: FlagName[] = ['name', 'project']
const DS = '[<id>]'

const VERB_SPECS: [verb: string, summary: string, usage: string, positionals: string[], flags: FlagName[]][] = [
  [
    'list',
    'list data sources (all pages)',
    '[--filter <field:op:value>]... [--sort <field:asc|desc>]...',
    [],
    ['filter', 'sort', 'fields', 'page-size'],
  ],
  ['get', 'one data source', '<id> | --name <name> [--project <name>]', [DS], BY_NAME],
  [
    'connections',
    'list (or --update) the connections of a data source',
    '<id> | --name <name> [--update <connection-id> --server-address <a> --server-port <p> --user-name <u>]',
    [DS],
    [...BY_NAME, 'update', 'server-address', 'server-port', 'user-name', 'embed-password'],
  ],
  [
    'publish',
    'publish a file (.hyper, .tdsx, .parquet …) as a data source',
    '<file> --name <name> [--project-id <luid>] [--mode create|overwrite|append] [--as-job] [--wait]',
    ['<file>'],
    [
      'name',
      'project-id',
      'description',
      'mode',
      'as-job',
      'wait',
      'timeout-s',
      'credentials-user',
      'embed',
      'upload-session',
    ],
  ],
  [
    'download',
    'download a data source',
    '<id> | --name <name> --to <file|dir> [--no-extract] [--revision <n>]',
    [DS],
    [...BY_NAME, 'to', 'no-extract', 'revision'],
  ],
  [
    'update',
    "change a data source's name, project, owner, certification",
    '<id> | --name <name> [--new-name <n>] [--project-id <p>] [--owner-id <u>] [--certified true|false]',
    [DS],
    [
      ...BY_NAME,
      'new-name',
      'project-id',
      'owner-id',
      'certified',
      'certification-note',
      'encrypt-extracts',
      'description',
    ],
  ],
  ['delete', 'delete a data source', '<id> | --name <name>', [DS], BY_NAME],
  [
    'refresh',
    'refresh the extract (a job)',
    '<id> | --name <name> [--if-queued error|return-queued] [--wait] [--timeout-s <n>]',
    [DS],
    [...BY_NAME, 'if-queued', 'wait', 'timeout-s'],
  ],
  ['tag', 'add tags', '<id> <tag>...', ['<id>', '<tag>...'], []],
  ['untag', 'remove tags', '<id> <tag>...', ['<id>', '<tag>...'], []],
  [
    'revisions',
    'list revisions (or --remove one)',
    '<id> | --name <name> [--remove <n>]',
    [DS],
    [...BY_NAME, 'remove'],
  ],
  [
    'keychain',
    'retrieve or apply encrypted keychains',
    'retrieve|apply <id> [--dest-site-url-namespace <s> --dest-site-luid <l> --dest-server-url <u>] [--keychain <k>]...',
    ['<retrieve|apply>', '<id>'],
    ['dest-site-url-namespace', 'dest-site-luid', 'dest-server-url', 'keychain'],
  ],
]

export const DATASOURCE_COMMANDS: readonly CliCommand[] = VERB_SPECS.map(([verb, summary, usage, positionals, names]) =>
  defineCommand({
    name: `datasource ${verb}`,
    summary: `Data sources: ${summary}.`,
    usage: `${usage} [--json]`,
    positionals,
    flags: { ...Object.fromEntries(names.map((n) => [n, DATASOURCE_FLAGS[n]])), ...COMMON } as Record<string, FlagSpec>,
    run: ({ values, positionals: args, io }) => runDatasourceVerb(verb, values, args, io),
  }),
)

import { HyperdeltaError } from '../index.js'
import { checkPathValue } from '../internal.js'
import { type CliCommand, defineCommand, type FlagSpec } from './command-table.js'
import { type CliIo, SERVER_FLAGS } from './io.js'
import { type SignInFlags, signInFromFlags } from './sign-in.js'
import { VCONN_SUBCOMMANDS, type VconnSubcommand } from './vconn-subcommands.js'

// `hyperdelta vconn <verb>`: each verb of vconn-subcommands.ts as a command-table entry with only its own flags,
// so `--help`, usage errors and the top-level help come from the one table.

const HELP: Record<string, string> = {
  filter: 'filter field:operator:value; repeatable',
  sort: 'sort field:asc|desc; repeatable',
  revision: 'download this revision',
  out: 'write the content to this file (default stdout)',
  name: 'the virtual connection name',
  'project-id': 'the project',
  'owner-id': 'the owner',
  content: 'the content file (as download wrote it)',
  overwrite: 'replace the existing one (kept as a revision)',
  draft: 'publish as a draft',
  certified: 'certification',
  'certification-note': 'certification note',
  modify: 'the connection to change',
  'server-address': "the connection's server address",
  'server-port': "the connection's port",
  'user-name': "the connection's user name",
  'password-env': 'the environment variable holding the password',
  grant: 'user|group:<luid>:<capability>:Allow|Deny; repeatable',
  revoke: 'a grant to remove; repeatable',
}

const COMMON = {
  server: SERVER_FLAGS.server,
  site: SERVER_FLAGS.site,
  format: { type: 'string', arg: 'xml|json', help: 'content format (default xml)' },
  json: SERVER_FLAGS.json,
  'log-level': SERVER_FLAGS['log-level'],
} as const

/** The placeholder the usage line shows after `--flag` (e.g. '<file>'), if any. */
function argOf(usage: string, flag: string): string | undefined {
  return new RegExp(`--${flag} (<[^>]+>|[a-z]+\\|[a-z|]+)`).exec(usage)?.[1]
}

/** The positional names a verb's usage starts with ('<id> <label>...'), matching its accepted count. */
function positionalNames(sub: VconnSubcommand): string[] {
  const names = sub.usage
    .split(' ')
    .filter((w, i, all) => w.startsWith('<') && all.slice(0, i).every((x) => x.startsWith('<')))
  const [min, max] = sub.positionals
  return names.slice(0, max === Number.POSITIVE_INFINITY ? names.length : max).map((n, i) => (i < min ? n : `[${n}]`))
}

async function runVerb(sub: VconnSubcommand, values: Record<string, unknown>, positionals: string[], io: CliIo) {
  // Ids and labels that go into request paths: a value such as `..` is refused before signing in (exit 3).
  const inPath: [string, unknown][] = [
    ['<id>', positionals[0]],
    ['<label>', sub.name === 'untag' ? positionals[1] : undefined],
    ['--modify', values['modify']],
  ]
  for (const [field, value] of inPath) if (value !== undefined) checkPathValue(value, field)
  const { client } = await signInFromFlags(values as SignInFlags, io)
  try {
    return await sub.run({ client, values: values as never, positionals, io })
  } finally {
    await client.close()
  }
}

export const VCONN_COMMANDS: readonly CliCommand[] = VCONN_SUBCOMMANDS.map((sub) => {
  const flags: Record<string, FlagSpec> = {}
  for (const [name, f] of Object.entries(sub.flags)) {
    const arg = argOf(sub.usage, name)
    const help = HELP[name]
    if (help === undefined) throw new HyperdeltaError('USAGE', `vconn ${sub.name}: --${name} has no help text`)
    flags[name] = { ...f, help, ...(arg !== undefined && { arg }) }
  }
  return defineCommand({
    name: `vconn ${sub.name}`,
    summary: `Virtual connections: ${sub.summary}.`,
    usage: sub.usage === '' ? '[--json]' : sub.usage,
    positionals: positionalNames(sub),
    flags: { ...flags, ...COMMON },
    run: ({ values, positionals, io }) => runVerb(sub, values, positionals, io),
  })
})

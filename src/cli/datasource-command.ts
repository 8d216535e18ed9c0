import { stat } from 'node:fs/promises'
import { HyperdeltaError } from '../index.js'
import { checkPathValue } from '../internal.js'
import { type Flags, usage, type VerbContext } from './datasource-flags.js'
import { VERBS } from './datasource-verbs.js'
import type { CliIo } from './io.js'
import { signInFromFlags } from './sign-in.js'

// `hyperdelta datasource <verb> …`: every Data Sources method from the command line. Same conventions and exit
// codes as `push` (usage 2, bad input 3, server/lookup 4, failed job 5, interrupted 6); --json prints JSON.

/** Runs one `hyperdelta datasource <verb>` with its parsed flags and positionals (the command table parsed them). */
export async function runDatasourceVerb(
  verb: string,
  values: Record<string, unknown>,
  args: string[],
  io: CliIo,
): Promise<number> {
  const run = VERBS[verb]
  if (!run) throw usage(`unknown verb "${verb}"`)
  const flags = values as Flags
  if (verb === 'publish') await requireFile(args[0])
  for (const [field, value] of pathArguments(verb, args, flags.update)) checkPathValue(value, field)
  const { client } = await signInFromFlags(flags, io)
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

/**
 * The arguments that go into request paths (ids, the tags of untag, a connection id): a value such as `..` is
 * refused before signing in (exit 3, nothing sent). Tags to add travel in the body, the publish file is local.
 */
function pathArguments(
  verb: string | undefined,
  args: readonly string[],
  connection: string | undefined,
): [string, string][] {
  const named: [string, string | undefined][] =
    verb === 'publish' || verb === 'list'
      ? []
      : verb === 'keychain'
        ? [['<id>', args[1]]]
        : verb === 'untag'
          ? args.map((a, i) => [i === 0 ? '<id>' : '<tag>', a])
          : [['<id>', args[0]]]
  named.push(['--update', connection])
  return named.filter((e): e is [string, string] => e[1] !== undefined)
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

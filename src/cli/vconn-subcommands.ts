import { HyperdeltaError, type TableauClient } from '../index.js'
import type { CliIo } from './io.js'
import { type ListColumn, printList } from './list-output.js'
import { booleanFlag, formatFlag, mergeGrants, parseGrant, readContent, writeContent } from './vconn-args.js'

// The verbs of `hyperdelta vconn`, one table entry each: flags, usage, accepted positional count, run.

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>
export interface VconnContext {
  client: TableauClient
  values: Values
  positionals: string[]
  io: CliIo
}
export interface VconnSubcommand {
  name: string
  summary: string
  usage: string
  flags: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>
  /** Accepted positional count [min, max]. */
  positionals: [number, number]
  run(ctx: VconnContext): Promise<number>
}

const str = (v: Values, k: string): string | undefined => (typeof v[k] === 'string' ? (v[k] as string) : undefined)
const strs = (v: Values, k: string): string[] => (Array.isArray(v[k]) ? (v[k] as string[]) : [])
const api = (c: VconnContext) => c.client.virtualConnections.inFormat(formatFlag(str(c.values, 'format')))

/** Prints `value` as JSON with --json, else the human lines. */
function print(c: VconnContext, value: unknown, lines: () => string[]): number {
  if (c.values['json']) c.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
  else for (const l of lines()) c.io.stdout.write(`${l}\n`)
  return 0
}

/** Prints a list: JSON with --json, else a table on a TTY / TSV (see list-output.ts). */
function list<T>(c: VconnContext, rows: readonly T[], columns: readonly ListColumn<T>[], value: unknown = rows) {
  return printList(c.io, c.values['json'] === true, value, rows, columns)
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const x of it) out.push(x)
  return out
}

export const VCONN_SUBCOMMANDS: readonly VconnSubcommand[] = [
  {
    name: 'list',
    summary: 'list every virtual connection (all pages)',
    usage: '[--filter <field:op:value>]... [--sort <field:asc|desc>]...',
    flags: { filter: { type: 'string', multiple: true }, sort: { type: 'string', multiple: true } },
    positionals: [0, 0],
    async run(c) {
      const all = await collect(
        api(c).list({ filter: strs(c.values, 'filter'), sort: strs(c.values, 'sort'), signal: c.io.signal }),
      )
      return list(c, all, [
        { header: 'id', value: (v) => v.id },
        { header: 'name', value: (v) => v.name },
        { header: 'certified', value: (v) => (v.isCertified ? 'certified' : '') },
      ])
    },
  },
  {
    name: 'download',
    summary: 'write the content (JSON text) of a virtual connection, or of an earlier revision, exactly',
    usage: '<id> [--revision <n>] [--out <file>]',
    flags: { revision: { type: 'string' }, out: { type: 'string' } },
    positionals: [1, 1],
    async run(c) {
      const id = c.positionals[0]!
      const rev = str(c.values, 'revision')
      if (rev !== undefined && !/^\d+$/.test(rev))
        throw new HyperdeltaError('USAGE', `--revision ${rev}: expected a revision number`)
      const v = rev === undefined ? await api(c).download(id) : await api(c).downloadRevision(id, Number(rev))
      const out = str(c.values, 'out')
      if (out !== undefined) {
        await writeContent(out, v.content)
        return print(c, { ...v, content: undefined, out }, () => [`${v.name}: content written to ${out}`])
      }
      if (c.values['json']) return print(c, v, () => [])
      c.io.stdout.write(v.content) // exactly the content: pipe it into a file
      return 0
    },
  },
  {
    name: 'publish',
    summary: 'publish downloaded content (new, --overwrite keeps the old as a revision, --draft)',
    usage: '--name <name> --project-id <luid> --content <file> [--owner-id <luid>] [--overwrite] [--draft]',
    flags: {
      name: { type: 'string' },
      'project-id': { type: 'string' },
      'owner-id': { type: 'string' },
      content: { type: 'string' },
      overwrite: { type: 'boolean' },
      draft: { type: 'boolean' },
    },
    positionals: [0, 0],
    async run(c) {
      const name = str(c.values, 'name')
      const projectId = str(c.values, 'project-id')
      const file = str(c.values, 'content')
      if (!name || !projectId || !file)
        throw new HyperdeltaError('USAGE', 'vconn publish needs --name, --project-id and --content')
      const ownerId = str(c.values, 'owner-id')
      const published = await api(c).publish({
        name,
        projectId,
        content: await readContent(file),
        overwrite: c.values['overwrite'] === true,
        publishAsDraft: c.values['draft'] === true,
        ...(ownerId !== undefined && { ownerId }),
      })
      return print(c, published, () => [`published ${published.name}: ${published.id}`])
    },
  },
  {
    name: 'update',
    summary: 'rename, certify, move or change the owner of a virtual connection',
    usage:
      '<id> [--name <name>] [--certified true|false] [--certification-note <text>] [--project-id <luid>] [--owner-id <luid>]',
    flags: {
      name: { type: 'string' },
      certified: { type: 'string' },
      'certification-note': { type: 'string' },
      'project-id': { type: 'string' },
      'owner-id': { type: 'string' },
    },
    positionals: [1, 1],
    async run(c) {
      const certified = booleanFlag('certified', str(c.values, 'certified'))
      const change = {
        ...(str(c.values, 'name') !== undefined && { name: str(c.values, 'name')! }),
        ...(certified !== undefined && { isCertified: certified }),
        ...(str(c.values, 'certification-note') !== undefined && {
          certificationNote: str(c.values, 'certification-note')!,
        }),
        ...(str(c.values, 'project-id') !== undefined && { projectId: str(c.values, 'project-id')! }),
        ...(str(c.values, 'owner-id') !== undefined && { ownerId: str(c.values, 'owner-id')! }),
      }
      if (Object.keys(change).length === 0) throw new HyperdeltaError('USAGE', 'vconn update: nothing to change')
      const v = await api(c).update(c.positionals[0]!, change)
      return print(c, v, () => [`updated ${v.id}: ${v.name}${v.isCertified ? ' (certified)' : ''}`])
    },
  },
  {
    name: 'delete',
    summary: 'delete a virtual connection',
    usage: '<id>',
    flags: {},
    positionals: [1, 1],
    async run(c) {
      await api(c).delete(c.positionals[0]!)
      return print(c, { id: c.positionals[0], deleted: true }, () => [`deleted ${c.positionals[0]}`])
    },
  },
  {
    name: 'revisions',
    summary: 'list the revisions of a virtual connection (download one with `vconn download <id> --revision <n>`)',
    usage: '<id>',
    flags: {},
    positionals: [1, 1],
    async run(c) {
      return list(c, await collect(api(c).revisions(c.positionals[0]!)), [
        { header: 'revision', value: (r) => r.revisionNumber },
        { header: 'published', value: (r) => r.publishedAt },
        { header: 'publisher', value: (r) => r.publisher?.name },
        { header: 'current', value: (r) => (r.current ? 'current' : '') },
      ])
    },
  },
  {
    name: 'connections',
    summary: 'list database connections, or --modify one (password from the env var named by --password-env)',
    usage:
      '<id> [--modify <connection-id> [--server-address <host>] [--server-port <port>] [--user-name <name>] [--password-env <VAR>]]',
    flags: {
      modify: { type: 'string' },
      'server-address': { type: 'string' },
      'server-port': { type: 'string' },
      'user-name': { type: 'string' },
      'password-env': { type: 'string' },
    },
    positionals: [1, 1],
    async run(c) {
      const id = c.positionals[0]!
      const target = str(c.values, 'modify')
      if (target === undefined) {
        return list(c, await collect(api(c).connections(id)), [
          { header: 'id', value: (x) => x.id },
          { header: 'class', value: (x) => x.dbClass },
          { header: 'server', value: (x) => x.serverAddress },
          { header: 'port', value: (x) => x.serverPort },
          { header: 'user', value: (x) => x.userName },
        ])
      }
      const passwordEnv = str(c.values, 'password-env')
      const password = passwordEnv === undefined ? undefined : c.io.env[passwordEnv]
      if (passwordEnv !== undefined && !password)
        throw new HyperdeltaError('USAGE', `--password-env ${passwordEnv}: that variable is not set`)
      const update = {
        ...(str(c.values, 'server-address') !== undefined && { serverAddress: str(c.values, 'server-address')! }),
        ...(str(c.values, 'server-port') !== undefined && { serverPort: str(c.values, 'server-port')! }),
        ...(str(c.values, 'user-name') !== undefined && { userName: str(c.values, 'user-name')! }),
        ...(password !== undefined && { password }),
      }
      if (Object.keys(update).length === 0)
        throw new HyperdeltaError('USAGE', 'vconn connections --modify: nothing to change')
      const x = await api(c).updateConnection(id, target, update)
      return print(c, x, () => [`updated ${x.id}: ${x.serverAddress ?? ''}:${x.serverPort ?? ''} ${x.userName ?? ''}`])
    },
  },
  {
    name: 'tag',
    summary: 'add tags to a virtual connection',
    usage: '<id> <label>...',
    flags: {},
    positionals: [2, Number.POSITIVE_INFINITY],
    async run(c) {
      const [id, ...labels] = c.positionals
      const tags = await api(c).addTags(id!, labels)
      return print(c, tags, () => [`tags: ${tags.join(', ')}`])
    },
  },
  {
    name: 'untag',
    summary: 'delete a tag from a virtual connection',
    usage: '<id> <label>',
    flags: {},
    positionals: [2, 2],
    async run(c) {
      const [id, label] = c.positionals
      await api(c).deleteTag(id!, label!)
      return print(c, { id, deleted: label }, () => [`tag ${label} deleted`])
    },
  },
  {
    name: 'permissions',
    summary: 'list permissions, --grant or --revoke user|group:<luid>:<Capability>:<Allow|Deny>',
    usage: '<id> [--grant <spec>]... [--revoke <spec>]...',
    flags: { grant: { type: 'string', multiple: true }, revoke: { type: 'string', multiple: true } },
    positionals: [1, 1],
    async run(c) {
      const id = c.positionals[0]!
      const grants = strs(c.values, 'grant').map((s) => parseGrant('grant', s))
      const revokes = strs(c.values, 'revoke').map((s) => parseGrant('revoke', s))
      if (grants.length > 0) await api(c).addPermissions(id, mergeGrants(grants))
      for (const r of revokes) {
        const [capability, mode] = Object.entries(r.capabilities)[0]!
        await api(c).deletePermission(id, r.grantee, capability as never, mode)
      }
      const p = await api(c).listPermissions(id)
      return list(
        c,
        p.grants,
        [
          { header: 'grantee', value: (g) => g.grantee.type },
          { header: 'id', value: (g) => g.grantee.id },
          {
            header: 'capabilities',
            value: (g) =>
              Object.entries(g.capabilities)
                .map(([k, m]) => `${k}:${m}`)
                .join(' '),
          },
        ],
        p,
      )
    },
  },
]

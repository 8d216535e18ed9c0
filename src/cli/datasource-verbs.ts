import type { DatasourceDetails, DatasourceFilter, DownloadResult, FilterOperator, TransferProgress } from '../index.js'
import { type Flags, usage, type VerbContext } from './datasource-flags.js'
import { type ListColumn, printList } from './list-output.js'
import { progressRenderer } from './progress.js'

// The verbs of `hyperdelta datasource`. Each returns the exit code (0); errors go to runCli's exit-code mapping.

const DATASOURCE_COLUMNS: ListColumn<DatasourceDetails>[] = [
  { header: 'id', value: (d) => d.id },
  { header: 'name', value: (d) => d.name },
  { header: 'project', value: (d) => d.project?.name },
  { header: 'updated', value: (d) => d.updatedAt },
  { header: 'tags', value: (d) => d.tags.join(',') },
]
const list = <T>(ctx: VerbContext, rows: readonly T[], columns: readonly ListColumn<T>[], value: unknown = rows) =>
  printList(ctx.io, ctx.flags.json === true, value, rows, columns)

/** Why a download was saved under another name than the server's, in words (empty when it was not). */
function renamedNote(r: DownloadResult): string {
  const why = (r.renamed ?? []).map((reason) => {
    if (reason === 'taken') return 'an entry of that name exists and was left alone'
    if (reason === 'shortened') return 'cut to fit the file system'
    return 'characters not allowed in file names replaced'
  })
  if (why.length === 0) return ''
  // Escaped, so a name that carries terminal controls or bidi overrides shows them instead of acting on them.
  const sent = JSON.stringify(r.filename ?? '').replace(
    /[\u0080-\u009f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )
  return ` (the server named it ${sent}: ${why.join('; ')})`
}

function bool(flag: string, v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined
  if (v !== 'true' && v !== 'false') throw usage(`--${flag} ${v}: expected true or false`)
  return v === 'true'
}

function positiveInt(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined
  if (!/^\d+$/.test(v) || Number(v) < 1) throw usage(`--${flag} ${v}: expected a positive integer`)
  return Number(v)
}

function filters(values: readonly string[] | undefined): DatasourceFilter[] {
  return (values ?? []).map((expr) => {
    const [field, operator, ...rest] = expr.split(':')
    if (!field || !operator || rest.length === 0) throw usage(`--filter ${expr}: expected field:operator:value`)
    const value = rest.join(':')
    const list = /^\[.*\]$/.test(value) ? value.slice(1, -1).split(',') : value
    return { field, operator: operator as FilterOperator, value: list } as DatasourceFilter
  })
}

/**
 * Progress on stderr while a long transfer runs, through the one progress renderer (a redrawn bar on a terminal,
 * throttled plain lines otherwise); none with --json.
 */
function progress(ctx: VerbContext) {
  if (ctx.flags.json) return undefined
  const renderer = progressRenderer(ctx.io.stderr)
  return {
    onProgress: (p: TransferProgress) =>
      renderer.onProgress({ type: 'transfer', phase: p.phase, bytes: p.bytes, totalBytes: p.totalBytes }),
    finish: renderer.finish,
  }
}

async function waitIfAsked(ctx: VerbContext, jobId: string): Promise<void> {
  if (!ctx.flags.wait) return
  const timeout = positiveInt('timeout-s', ctx.flags['timeout-s'])
  await ctx.client.waitForJob(jobId, {
    ...(timeout !== undefined && { timeoutMs: timeout * 1000 }),
    signal: ctx.io.signal,
  })
}

type Verb = (ctx: VerbContext) => Promise<number>

export const VERBS: Record<string, Verb> = {
  async list(ctx) {
    const f: Flags = ctx.flags
    const options = {
      filter: filters(f.filter),
      sort: (f.sort ?? []).map((s) => {
        const [field, direction = 'asc'] = s.split(':')
        if (direction !== 'asc' && direction !== 'desc') throw usage(`--sort ${s}: expected field:asc|desc`)
        return { field, direction } as { field: DatasourceFilter['field']; direction: 'asc' | 'desc' }
      }),
      ...(f.fields !== undefined && { fields: f.fields.split(',') }),
      ...(f['page-size'] !== undefined && { pageSize: positiveInt('page-size', f['page-size'])! }),
      signal: ctx.io.signal,
    }
    const all: DatasourceDetails[] = []
    for await (const d of ctx.client.datasources.queryAll(options)) all.push(d)
    return list(ctx, all, DATASOURCE_COLUMNS)
  },
  async get(ctx) {
    const d = await ctx.client.datasources.get(await ctx.datasourceId())
    return list(ctx, [d], DATASOURCE_COLUMNS, d)
  },
  async connections(ctx) {
    const id = await ctx.datasourceId()
    const f = ctx.flags
    if (f.update !== undefined) {
      const password = ctx.io.env['TABLEAU_CONNECTION_PASSWORD']
      const c = await ctx.client.datasources.updateConnection(id, f.update, {
        ...(f['server-address'] !== undefined && { serverAddress: f['server-address'] }),
        ...(f['server-port'] !== undefined && { serverPort: f['server-port'] }),
        ...(f['user-name'] !== undefined && { userName: f['user-name'] }),
        ...(password !== undefined && { password }),
        ...(f['embed-password'] !== undefined && { embedPassword: bool('embed-password', f['embed-password'])! }),
      })
      ctx.print(c, `connection ${c.id}: updated`)
      return 0
    }
    const connections = await ctx.client.datasources.connections(id)
    return list(ctx, connections, [
      { header: 'id', value: (c) => c.id },
      { header: 'type', value: (c) => c.type },
      { header: 'server', value: (c) => c.serverAddress },
      { header: 'user', value: (c) => c.userName },
    ])
  },
  async publish(ctx) {
    const f = ctx.flags
    if (f.name === undefined) throw usage('publish: --name is required')
    const mode = f.mode ?? 'create'
    if (mode !== 'create' && mode !== 'overwrite' && mode !== 'append')
      throw usage(`--mode ${mode}: create, overwrite or append`)
    const password = ctx.io.env['TABLEAU_DATASOURCE_PASSWORD']
    const shown = progress(ctx)
    const result = await ctx.client.datasources
      .publish({
        name: f.name,
        file: ctx.args[0]!,
        mode,
        asJob: f['as-job'],
        ...(f['project-id'] !== undefined && { projectId: f['project-id'] }),
        ...(f.description !== undefined && { description: f.description }),
        ...(f['credentials-user'] !== undefined && {
          credentials: { name: f['credentials-user'], embed: f.embed, ...(password !== undefined && { password }) },
        }),
        ...(f['upload-session'] !== undefined && { uploadSession: f['upload-session'] }),
        ...(shown !== undefined && { onProgress: shown.onProgress }),
        signal: ctx.io.signal,
      })
      .finally(() => shown?.finish())
    if ('tags' in result) ctx.print(result, `published ${result.name} (${result.id})`)
    else {
      await waitIfAsked(ctx, result.id)
      ctx.print(result, `publish job ${result.id}${ctx.flags.wait ? ': succeeded' : ' started'}`)
    }
    return 0
  },
  async download(ctx) {
    const id = await ctx.datasourceId()
    if (ctx.flags.to === undefined) throw usage('download: --to <file|dir> is required')
    const shown = progress(ctx)
    const options = {
      to: ctx.flags.to,
      includeExtract: !ctx.flags['no-extract'],
      ...(shown !== undefined && { onProgress: shown.onProgress }),
      signal: ctx.io.signal,
    }
    const revision = positiveInt('revision', ctx.flags.revision)
    const r = await (revision === undefined
      ? ctx.client.datasources.download(id, options)
      : ctx.client.datasources.downloadRevision(id, revision, options)
    ).finally(() => shown?.finish())
    ctx.print(r, `downloaded ${r.bytes} bytes to ${r.path}${renamedNote(r)}`)
    return 0
  },
  async update(ctx) {
    const f = ctx.flags
    const d = await ctx.client.datasources.update(await ctx.datasourceId(), {
      ...(f['new-name'] !== undefined && { name: f['new-name'] }),
      ...(f['project-id'] !== undefined && { projectId: f['project-id'] }),
      ...(f['owner-id'] !== undefined && { ownerId: f['owner-id'] }),
      ...(f.certified !== undefined && { isCertified: bool('certified', f.certified)! }),
      ...(f['certification-note'] !== undefined && { certificationNote: f['certification-note'] }),
      ...(f['encrypt-extracts'] !== undefined && { encryptExtracts: bool('encrypt-extracts', f['encrypt-extracts'])! }),
      ...(f.description !== undefined && { description: f.description }),
    })
    return list(ctx, [d], DATASOURCE_COLUMNS, d)
  },
  async delete(ctx) {
    const id = await ctx.datasourceId()
    await ctx.client.datasources.delete(id)
    ctx.print({ id, deleted: true }, `deleted ${id}`)
    return 0
  },
  async refresh(ctx) {
    const ifQueued = ctx.flags['if-queued'] ?? 'error'
    if (ifQueued !== 'error' && ifQueued !== 'return-queued')
      throw usage(`--if-queued ${ifQueued}: error or return-queued`)
    const job = await ctx.client.datasources.refresh(await ctx.datasourceId(), { ifQueued })
    await waitIfAsked(ctx, job.id)
    ctx.print(job, `refresh job ${job.id}${ctx.flags.wait ? ': succeeded' : ' started'}`)
    return 0
  },
  async tag(ctx) {
    if (ctx.args.length < 2) throw usage('tag: <id> <tag>... required')
    const tags = await ctx.client.datasources.addTags(ctx.args[0]!, ctx.args.slice(1))
    ctx.print(tags, tags.join(','))
    return 0
  },
  async untag(ctx) {
    if (ctx.args.length < 2) throw usage('untag: <id> <tag>... required')
    for (const t of ctx.args.slice(1)) await ctx.client.datasources.deleteTag(ctx.args[0]!, t)
    ctx.print({ removed: ctx.args.slice(1) }, `removed ${ctx.args.slice(1).join(',')}`)
    return 0
  },
  async revisions(ctx) {
    const id = await ctx.datasourceId()
    const remove = positiveInt('remove', ctx.flags.remove)
    if (remove !== undefined) {
      await ctx.client.datasources.removeRevision(id, remove)
      ctx.print({ id, removed: remove }, `removed revision ${remove}`)
      return 0
    }
    const all = []
    for await (const r of ctx.client.datasources.allRevisions(id)) all.push(r)
    return list(ctx, all, [
      { header: 'revision', value: (r) => r.revisionNumber },
      { header: 'published', value: (r) => r.publishedAt },
      { header: 'state', value: (r) => (r.current ? 'current' : r.deleted ? 'removed' : '') },
    ])
  },
  async keychain(ctx) {
    const [action, id] = ctx.args
    if ((action !== 'retrieve' && action !== 'apply') || id === undefined) throw usage('keychain retrieve|apply <id>')
    const f = ctx.flags
    if (action === 'apply') {
      if (!f.keychain?.length) throw usage('keychain apply: --keychain <encrypted> is required')
      await ctx.client.datasources.applyKeychain(id, { encryptedKeychains: f.keychain })
      ctx.print({ id, applied: f.keychain.length }, `applied ${f.keychain.length} keychain(s)`)
      return 0
    }
    const [ns, luid, url] = [f['dest-site-url-namespace'], f['dest-site-luid'], f['dest-server-url']]
    if (ns === undefined || luid === undefined || url === undefined) {
      throw usage('keychain retrieve: --dest-site-url-namespace, --dest-site-luid and --dest-server-url are required')
    }
    const k = await ctx.client.datasources.retrieveKeychain(id, {
      siteUrlNamespace: ns,
      siteLuid: luid,
      serverUrl: url,
    })
    ctx.print(k, k.encryptedKeychains.join('\n'))
    return 0
  },
}

import type { EmulatorState } from '../runtime/state.js'
import type { DatasourceRecord } from '../store/catalog.js'
import { type Html, href, html } from './html.js'
import { orDash, page } from './layout.js'
import { rowsSection, tableQuery } from './rows-view.js'
import { countRows, describeTables } from './table-rows.js'

/** Data sources per site and project. */
export async function datasourcesPage(state: EmulatorState): Promise<string> {
  const { sites, projects, datasources } = state.catalog.data
  const groups: Html[] = []
  for (const site of sites) {
    for (const project of projects.filter((p) => p.siteId === site.id)) {
      const list = datasources.filter((d) => d.siteId === site.id && d.projectId === project.id)
      if (list.length === 0) continue
      groups.push(html`<h2>${siteLabel(site.contentUrl)} / ${project.name}</h2>
<table class="datasources"><thead><tr><th>Name</th><th>Content</th><th>Rows</th><th>Updated</th><th>Revisions</th><th>Tags</th><th>Jobs</th></tr></thead><tbody>
${await Promise.all(list.map((d) => datasourceRow(state, d)))}
</tbody></table>`)
    }
  }
  const live =
    groups.length > 0
      ? groups
      : html`<p class="muted">No data sources yet. Publish one (<code>hyperdelta emulator --publish Name=file.parquet</code>, <code>emu.createDatasource</code> or the REST API) and it appears here.</p>`
  return page({
    title: 'Data sources',
    section: 'datasources',
    topics: ['datasources', 'jobs'],
    head: html`<h1>Data sources</h1>`,
    live: html`${live}`,
  })
}

async function datasourceRow(state: EmulatorState, d: DatasourceRecord): Promise<Html> {
  const jobs = state.catalog.data.jobs.filter((j) => j.datasourceId === d.id).length
  const counts = d.content?.kind === 'opaque' ? new Map<string, number>() : await countRows(state.store, d.alias)
  const content = d.content?.kind === 'opaque' ? `file ${d.content.filename}` : [...counts.keys()].join(', ')
  const rows = [...counts.values()].reduce((a, b) => a + b, 0)
  return html`<tr><td><a href="${href(`/console/datasources/${encodeURIComponent(d.id)}`)}">${d.name}</a></td>
<td>${content}</td><td class="num">${d.content?.kind === 'opaque' ? '' : rows}</td><td>${d.updatedAt}</td><td class="num">${(d.revisions ?? []).length}</td>
<td>${(d.tags ?? []).join(', ')}</td><td class="num"><a href="${href('/console/jobs', { datasource: d.id })}">${jobs}</a></td></tr>`
}

const siteLabel = (contentUrl: string): string => (contentUrl === '' ? '(default site)' : contentUrl)

/** One data source: its rows (paged, sorted, filtered), the schema of each table, connections, revisions, tags. */
export async function datasourcePage(
  state: EmulatorState,
  id: string,
  query: URLSearchParams,
): Promise<string | undefined> {
  const ds = state.catalog.data.datasources.find((d) => d.id === id)
  if (!ds) return undefined
  const site = state.catalog.site(ds.siteId)
  const project = state.catalog.data.projects.find((p) => p.id === ds.projectId)
  const owner = state.catalog.user(ds.ownerId)
  const tables = ds.content?.kind === 'opaque' ? [] : await describeTables(state.store, ds.alias)
  const view = tableQuery(tables, query)
  const rows = view
    ? await rowsSection(state.store, ds, view, `/console/datasources/${encodeURIComponent(ds.id)}`)
    : undefined
  const facts = html`<table class="facts"><tbody>
<tr><th>Site / project</th><td>${siteLabel(site?.contentUrl ?? '')} / ${project?.name ?? ''}</td></tr>
<tr><th>Id</th><td><code>${ds.id}</code></td></tr>
<tr><th>Content URL</th><td><code>${ds.contentUrl}</code></td></tr>
<tr><th>Owner</th><td>${owner?.name ?? ''}</td></tr>
<tr><th>Created / updated</th><td>${ds.createdAt} / ${ds.updatedAt}</td></tr>
<tr><th>Description</th><td>${orDash(ds.description)}</td></tr>
<tr><th>Certified</th><td>${ds.isCertified ? `yes ${ds.certificationNote ?? ''}` : 'no'}</td></tr>
<tr><th>Tags</th><td>${orDash((ds.tags ?? []).join(', '))}</td></tr>
<tr><th>Jobs</th><td><a href="${href('/console/jobs', { datasource: ds.id })}">jobs on this data source</a></td></tr>
</tbody></table>`
  const opaque =
    ds.content?.kind === 'opaque'
      ? html`<p>Holds the file <code>${ds.content.filename}</code> as published (no table to show).</p>`
      : undefined
  return page({
    title: ds.name,
    section: 'datasources',
    topics: ['datasources', 'jobs'],
    head: html`<h1>Data source <q>${ds.name}</q></h1>${view?.form}`,
    live: html`${opaque}${rows}${facts}${schemaSection(tables)}${connectionsSection(ds)}${revisionsSection(state, ds)}`,
  })
}

function schemaSection(tables: Awaited<ReturnType<typeof describeTables>>): Html {
  return html`<h2>Schema</h2>${tables.map(
    (t) => html`<h3><code>${t.schema}.${t.name}</code></h3>
<table class="schema"><thead><tr><th>Column</th><th>Type</th><th>Nullable</th></tr></thead><tbody>
${t.columns.map((c) => html`<tr><td>${c.name}</td><td><code>${c.type}</code></td><td>${c.nullable ? 'yes' : 'no'}</td></tr>`)}
</tbody></table>`,
  )}`
}

/** Connection settings; never a password or keychain (only whether one is held). */
function connectionsSection(ds: DatasourceRecord): Html {
  const keychains = ds.keychains?.length ?? 0
  return html`<h2>Connections</h2>
<table><thead><tr><th>Id</th><th>Server</th><th>Port</th><th>User</th><th>Embed password</th><th>Password held</th><th>Authentication</th></tr></thead><tbody>
${ds.connectionIds.map((id) => {
  const c = ds.connections?.[id] ?? {}
  return html`<tr><td><code>${id}</code></td><td>${orDash(c.serverAddress)}</td><td>${orDash(c.serverPort)}</td>
<td>${orDash(c.userName)}</td><td>${c.embedPassword === undefined ? '—' : String(c.embedPassword)}</td>
<td>${c.hasPassword ? 'yes (not shown)' : 'no'}</td><td>${orDash(c.authenticationType)}</td></tr>`
})}
</tbody></table>
${keychains > 0 ? html`<p class="muted">${keychains} encrypted keychain(s) applied (not shown).</p>` : undefined}`
}

function revisionsSection(state: EmulatorState, ds: DatasourceRecord): Html {
  const revisions = ds.revisions ?? []
  if (revisions.length === 0) return html`<h2>Revisions</h2><p class="muted">None.</p>`
  const current = Math.max(...revisions.filter((r) => !r.deleted).map((r) => r.number))
  return html`<h2>Revisions</h2>
<table><thead><tr><th>#</th><th>Published</th><th>Publisher</th><th>File</th><th>Bytes</th><th>State</th></tr></thead><tbody>
${[...revisions].reverse().map(
  (
    r,
  ) => html`<tr><td class="num">${r.number}</td><td>${r.publishedAt}</td><td>${state.catalog.user(r.publisherId)?.name ?? ''}</td>
<td>${r.filename}</td><td class="num">${r.size}</td><td>${r.deleted ? 'removed' : r.number === current ? 'current' : ''}</td></tr>`,
)}
</tbody></table>`
}

import type { DatasourceRecord } from '../store/catalog.js'
import type { Store } from '../store/store.js'
import { type Html, href, html } from './html.js'
import { cell } from './layout.js'
import { FILTER_OPS, type FilterOp, type RowQuery, readRows, type TableInfo } from './table-rows.js'

export const PAGE_SIZE = 50

/** The table a data source page shows and how (from its query string), with the form that changes it. */
export interface TableView {
  readonly table: TableInfo
  readonly query: RowQuery
  /** The page's parameters, for links that change one of them. */
  readonly params: Readonly<Record<string, string | undefined>>
  readonly form: Html
}

const OP_LABELS: Record<FilterOp, string> = {
  eq: 'equals',
  contains: 'contains',
  null: 'is NULL',
  'not-null': 'is not NULL',
}

/** Reads `schema`, `table`, `sort`, `dir`, `col`, `op`, `val`, `page`; names that are not columns are ignored. */
export function tableQuery(tables: readonly TableInfo[], q: URLSearchParams): TableView | undefined {
  const table =
    tables.find((t) => t.schema === q.get('schema') && t.name === q.get('table')) ??
    tables.find((t) => t.schema === 'Extract' && t.name === 'Extract') ??
    tables[0]
  if (!table) return undefined
  const has = (c: string | null): c is string => c !== null && table.columns.some((x) => x.name === c)
  const sortCol = q.get('sort')
  const sort = has(sortCol) ? { column: sortCol, descending: q.get('dir') === 'desc' } : undefined
  const col = q.get('col')
  const op = FILTER_OPS.find((o) => o === q.get('op')) ?? 'eq'
  const value = q.get('val') ?? ''
  const filter =
    has(col) && (op !== 'eq' && op !== 'contains' ? true : q.has('val')) ? { column: col, op, value } : undefined
  const pageNo = Math.max(1, Number.parseInt(q.get('page') ?? '1', 10) || 1)
  const params = {
    schema: table.schema,
    table: table.name,
    sort: sort?.column,
    dir: sort?.descending ? 'desc' : undefined,
    col: filter?.column,
    op: filter ? filter.op : undefined,
    val: filter && (filter.op === 'eq' || filter.op === 'contains') ? filter.value : undefined,
  }
  const query: RowQuery = {
    ...(sort && { sort }),
    ...(filter && { filter }),
    page: pageNo,
    pageSize: PAGE_SIZE,
  }
  const form = html`<form class="inline" method="get" id="rows-filter">
<input type="hidden" name="schema" value="${table.schema}"><input type="hidden" name="table" value="${table.name}">
${sort ? html`<input type="hidden" name="sort" value="${sort.column}"><input type="hidden" name="dir" value="${sort.descending ? 'desc' : 'asc'}">` : undefined}
<label>Column <select name="col">${table.columns.map((c) => html`<option${c.name === filter?.column ? html` selected` : undefined}>${c.name}</option>`)}</select></label>
<label>Condition <select name="op">${FILTER_OPS.map((o) => html`<option value="${o}"${o === op && filter ? html` selected` : undefined}>${OP_LABELS[o]}</option>`)}</select></label>
<label>Value (as shown) <input name="val" value="${filter ? value : ''}"></label>
<button type="submit">Filter</button> <a href="?${new URLSearchParams({ schema: table.schema, table: table.name }).toString()}">clear</a>
</form>`
  const picker =
    tables.length > 1
      ? html`<p>Tables: ${tables.map((t) =>
          t === table
            ? html`<b><code>${t.schema}.${t.name}</code></b> `
            : html`<a href="${href('', { schema: t.schema, table: t.name })}"><code>${t.schema}.${t.name}</code></a> `,
        )}</p>`
      : undefined
  return { table, query, params, form: html`${picker}${form}` }
}

/** The rows of the view's table: one page, values exactly as DuckDB spells them. */
export async function rowsSection(store: Store, ds: DatasourceRecord, view: TableView, base: string): Promise<Html> {
  const { table, query, params } = view
  const result = await readRows(store, ds.alias, table, query)
  const pages = Math.max(1, Math.ceil(result.total / query.pageSize))
  const link = (over: Record<string, string | undefined>): string => href(base, { ...params, ...over })
  const header = table.columns.map((c) => {
    const current = query.sort?.column === c.name
    const dir = current && !query.sort!.descending ? 'desc' : 'asc'
    const arrow = current ? (query.sort!.descending ? ' ▼' : ' ▲') : ''
    return html`<th><a href="${link({ sort: c.name, dir, page: undefined })}" title="${c.type}">${c.name}</a>${arrow}</th>`
  })
  return html`<h2>Rows of <code>${table.schema}.${table.name}</code></h2>
<p><span id="row-total">${result.total}</span> row(s)${query.filter ? ' matching the filter' : ''}; page ${query.page} of ${pages}.
${query.page > 1 ? html`<a href="${link({ page: String(query.page - 1) })}">previous</a>` : undefined}
${query.page < pages ? html`<a href="${link({ page: String(query.page + 1) })}">next</a>` : undefined}</p>
<table class="rows"><thead><tr>${header}</tr></thead><tbody>
${result.rows.map((r) => html`<tr>${r.map(cell)}</tr>`)}
</tbody></table>`
}

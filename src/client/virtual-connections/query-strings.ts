// The query strings of the Virtual Connections lists (page, filter, sort), as the reference page spells them.

/** Query string of List Virtual Connections. */
export function listQuery(o: {
  pageSize: number
  pageNumber: number
  filter?: readonly string[]
  sort?: readonly string[]
}): URLSearchParams {
  const q = pageQuery(o)
  if (o.filter?.length) q.set('filter', o.filter.join(','))
  if (o.sort?.length) q.set('sort', o.sort.join(','))
  return q
}

/** Query string of the paged lists of one virtual connection. */
export function pageQuery(page: { pageSize: number; pageNumber: number }): URLSearchParams {
  return new URLSearchParams({ pageSize: String(page.pageSize), pageNumber: String(page.pageNumber) })
}

// The one pager of the client: paged lists (data sources, revisions, virtual connections and their connections)
// are walked page after page with it.

/** One page of a paged list, as the pager reads it: its items, the page size, and how many there are in all. */
export interface PageOf<T> {
  readonly items: readonly T[]
  readonly pageSize: number
  /**
   * Unknown when the server sends no pagination (some real endpoints leave it out, docs/protocol.md §12): then only
   * a short page ends the list, so a missing count never cuts a listing short.
   */
  readonly totalAvailable: number | undefined
}

/**
 * Every item of a paged list from page `from` on, asking for the next page until an empty one, as many items as the
 * server says there are (counted from page `from`), or — with no count — a page shorter than the page size.
 */
export async function* everyPage<T>(fetch: (pageNumber: number) => Promise<PageOf<T>>, from = 1): AsyncGenerator<T> {
  // Counted, not computed from the page size: a server that sends short pages is still read to the end.
  let seen: number | undefined
  for (let pageNumber = from; ; pageNumber++) {
    const page = await fetch(pageNumber)
    yield* page.items
    seen = (seen ?? (from - 1) * page.pageSize) + page.items.length
    const total = page.totalAvailable
    if (page.items.length === 0 || (total === undefined ? page.items.length < page.pageSize : seen >= total)) return
  }
}

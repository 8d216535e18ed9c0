import { ApiError } from '../http/api-error.js'
import { collection, type Element, el } from '../http/document.js'
import type { Reply } from './state.js'

// The paging every list resource answers with (virtual connections, their revisions and connections, the directory).

/** `?pageSize=&pageNumber=` with the documented errors (400006, 400007, 403014). */
export function pageParams(query: URLSearchParams): { pageSize: number; pageNumber: number } {
  const int = (v: string | null, fallback: number): number | undefined =>
    v === null ? fallback : /^\d+$/.test(v) && Number(v) >= 1 ? Number(v) : undefined
  const pageSize = int(query.get('pageSize'), 100)
  const pageNumber = int(query.get('pageNumber'), 1)
  if (pageSize === undefined)
    throw new ApiError(400, '400007', 'Invalid page size', 'The page size must be an integer of at least 1.')
  if (pageSize > 1000)
    throw new ApiError(403, '403014', 'Page size limit exceeded', 'The page size must be 1000 or less.')
  if (pageNumber === undefined)
    throw new ApiError(400, '400006', 'Invalid page number', 'The page number must be an integer of at least 1.')
  return { pageSize, pageNumber }
}

/** One page of `list`; a page number past the last page is 400006 (page 1 of nothing is fine). */
export function pageOf<T>(list: readonly T[], p: { pageSize: number; pageNumber: number }): T[] {
  const last = Math.max(1, Math.ceil(list.length / p.pageSize))
  if (p.pageNumber > last)
    throw new ApiError(400, '400006', 'Invalid page number', `The page number must be ${last} or less.`)
  return list.slice((p.pageNumber - 1) * p.pageSize, p.pageNumber * p.pageSize)
}

/** A paged list reply: `<pagination>` (the whole list's size) and one page of `list` as the `name` collection. */
export function pagedReply<T>(
  query: URLSearchParams,
  name: string,
  list: readonly T[],
  toElement: (item: T) => Element,
): Reply {
  const page = pageParams(query)
  return {
    status: 200,
    body: [
      paginationElement(page.pageNumber, page.pageSize, list.length),
      collection(name, pageOf(list, page).map(toElement)),
    ],
  }
}

/** `<pagination pageNumber pageSize totalAvailable/>`. */
export function paginationElement(pageNumber: number, pageSize: number, total: number): Element {
  return el('pagination', { pageNumber, pageSize, totalAvailable: total })
}

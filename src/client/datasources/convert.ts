import type { RawConnection, RawDatasourceDetails, RawRevisionPage } from './schemas.js'
import type { ConnectionDetails, DatasourceDetails, Page, Revision } from './types.js'

// Raw (validated) response objects → the public types: booleans and numbers are real, tags a string list.

export function toDatasourceDetails(raw: RawDatasourceDetails): DatasourceDetails {
  const { tags, ...rest } = raw
  return { ...(rest as Omit<DatasourceDetails, 'tags'>), tags: (tags ?? []).map((t) => t.label) }
}

export function toConnectionDetails(raw: RawConnection): ConnectionDetails {
  return { ...(raw as ConnectionDetails) }
}

export function toPage<T>(
  pagination: { pageNumber: number; pageSize: number; totalAvailable: number },
  items: T[],
): Page<T> {
  return {
    items,
    pageNumber: pagination.pageNumber,
    pageSize: pagination.pageSize,
    totalAvailable: pagination.totalAvailable,
  }
}

export function toRevisions(raw: RawRevisionPage): Page<Revision> {
  return toPage(
    raw.pagination,
    (raw.revisions ?? []).map((r) => ({
      revisionNumber: r.revisionNumber,
      deleted: r.deleted ?? false,
      current: r.current ?? false,
      ...(r.publishedAt !== undefined && { publishedAt: r.publishedAt }),
      ...(r.sizeInBytes !== undefined && { sizeInBytes: r.sizeInBytes }),
      ...(r.publisher !== undefined && { publisher: r.publisher }),
    })),
  )
}

/** Walks every page of a paged list, asking for the next while items remain. */
export async function* everyPage<T>(fetch: (pageNumber: number) => Promise<Page<T>>, from = 1): AsyncGenerator<T> {
  for (let pageNumber = from; ; pageNumber++) {
    const page = await fetch(pageNumber)
    yield* page.items
    if (page.items.length === 0 || pageNumber * page.pageSize >= page.totalAvailable) return
  }
}

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

/**
 * One page as the server described it, for `datasources.query`; what it left out is what was asked, and without a
 * total the count is what this page shows. Walking every page does not rely on that count (see everyDatasource).
 */
export function toPage<T>(
  pagination: { pageNumber?: number | undefined; pageSize?: number | undefined; totalAvailable: number } | undefined,
  items: T[],
  asked: { pageNumber: number; pageSize: number },
): Page<T> {
  const pageNumber = pagination?.pageNumber ?? asked.pageNumber
  const pageSize = pagination?.pageSize ?? asked.pageSize
  return {
    items,
    pageNumber,
    pageSize,
    totalAvailable: pagination?.totalAvailable ?? (pageNumber - 1) * pageSize + items.length,
  }
}

export function toRevisions(raw: RawRevisionPage, asked: { pageNumber: number; pageSize: number }): Page<Revision> {
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
    asked,
  )
}

import { HyperdeltaError } from '../../errors.js'
import type { QueryDatasourcesOptions } from './types.js'

// Query Data Sources' query string: `filter=field:op:value,…`, `sort=field:dir,…`, `fields=…`, paging.

function term(value: string, what: string): string {
  // A comma separates terms and brackets delimit `in` lists: a value holding them cannot be expressed.
  if (/[,[\]]/.test(value)) {
    throw new HyperdeltaError('CONFIG_INVALID', `datasources: ${what} value "${value}" may not contain , [ or ]`, {
      details: { field: what, value },
    })
  }
  return value
}

/** The page size of Query Data Sources and Get Data Source Revisions when none is given. */
export const DEFAULT_PAGE_SIZE = 100

/** Checks page size and number (1..1000, ≥ 1) before a request is sent. */
export function checkPaging(pageSize: number | undefined, pageNumber: number | undefined): void {
  if (pageSize !== undefined && (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000)) {
    throw new HyperdeltaError(
      'CONFIG_INVALID',
      `datasources: pageSize must be an integer in 1..1000, got ${pageSize}`,
      {
        details: { field: 'pageSize', value: pageSize },
      },
    )
  }
  if (pageNumber !== undefined && (!Number.isInteger(pageNumber) || pageNumber < 1)) {
    throw new HyperdeltaError('CONFIG_INVALID', `datasources: pageNumber must be an integer ≥ 1, got ${pageNumber}`, {
      details: { field: 'pageNumber', value: pageNumber },
    })
  }
}

/** `pageSize=…&pageNumber=…&filter=…&sort=…&fields=…` (serialized percent-encoded by apiPath). */
export function queryString(o: QueryDatasourcesOptions, pageNumber: number): URLSearchParams {
  checkPaging(o.pageSize, pageNumber)
  const params = new URLSearchParams()
  params.set('pageSize', String(o.pageSize ?? DEFAULT_PAGE_SIZE))
  params.set('pageNumber', String(pageNumber))
  if (o.filter?.length) {
    const terms = o.filter.map((f) => {
      const v = Array.isArray(f.value)
        ? `[${(f.value as readonly string[]).map((x) => term(x, 'filter')).join(',')}]`
        : term(String(f.value), 'filter')
      return `${f.field}:${f.operator}:${v}`
    })
    params.set('filter', terms.join(','))
  }
  if (o.sort?.length) params.set('sort', o.sort.map((s) => `${s.field}:${s.direction ?? 'asc'}`).join(','))
  if (o.fields?.length) params.set('fields', o.fields.map((f) => term(f, 'fields')).join(','))
  return params
}

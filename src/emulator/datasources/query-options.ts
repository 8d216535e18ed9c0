import { badRequest } from '../http/api-error.js'
import { splitTop } from '../http/query-expression.js'
import type { EmulatorState } from '../runtime/state.js'
import type { DatasourceRecord } from '../store/catalog.js'

/**
 * Query Data Sources' `filter`, `sort` and `fields` expressions (Tableau's "Filtering and Sorting"
 * grammar: `field:operator:value` joined by commas, `in` takes `[a,b]`; `sort=field:asc|desc`).
 */

type Value = string | boolean | undefined
const FIELDS: Record<string, (s: EmulatorState, d: DatasourceRecord) => Value | string[]> = {
  name: (_, d) => d.name,
  contentUrl: (_, d) => d.contentUrl,
  description: (_, d) => d.description,
  createdAt: (_, d) => d.createdAt,
  updatedAt: (_, d) => d.updatedAt,
  isCertified: (_, d) => d.isCertified ?? false,
  projectName: (s, d) => s.catalog.data.projects.find((p) => p.id === d.projectId)?.name,
  ownerName: (s, d) => s.catalog.user(d.ownerId)?.name,
  tags: (_, d) => d.tags ?? [],
}
const OPERATORS = ['eq', 'cieq', 'gt', 'gte', 'lt', 'lte', 'in', 'has'] as const
type Operator = (typeof OPERATORS)[number]

function test(op: Operator, actual: Value | string[], value: string): boolean {
  const list = Array.isArray(actual) ? actual : [actual === undefined ? undefined : String(actual)]
  const wanted = op === 'in' ? splitTop(value.replace(/^\[|\]$/g, '')) : [value]
  return list.some((a) => {
    if (a === undefined) return false
    switch (op) {
      case 'eq':
      case 'has':
      case 'in':
        return wanted.includes(a)
      case 'cieq':
        return a.toLowerCase() === value.toLowerCase()
      case 'gt':
        return a > value
      case 'gte':
        return a >= value
      case 'lt':
        return a < value
      default: // lte
        return a <= value
    }
  })
}

/** Applies `filter=`; an unknown field or operator is a 400 naming it. */
export function applyFilter(state: EmulatorState, list: DatasourceRecord[], filter: string): DatasourceRecord[] {
  let out = list
  for (const expr of splitTop(filter)) {
    const [field, op, ...rest] = expr.split(':')
    const value = rest.join(':')
    const get = field === undefined ? undefined : FIELDS[field]
    if (!get || !OPERATORS.includes(op as Operator)) {
      throw badRequest(`Unsupported filter '${expr}' (fields: ${Object.keys(FIELDS).join(', ')}).`)
    }
    out = out.filter((d) => test(op as Operator, get(state, d), value))
  }
  return out
}

/** Applies `sort=field:asc|desc,…` (stable). */
export function applySort(state: EmulatorState, list: DatasourceRecord[], sort: string): DatasourceRecord[] {
  const keys = splitTop(sort).map((expr) => {
    const [field, dir = 'asc'] = expr.split(':')
    const get = field === undefined ? undefined : FIELDS[field]
    if (!get || (dir !== 'asc' && dir !== 'desc')) throw badRequest(`Unsupported sort '${expr}'.`)
    return { get, sign: dir === 'asc' ? 1 : -1 }
  })
  const text = (v: Value | string[]): string => (Array.isArray(v) ? v.join(',') : v === undefined ? '' : String(v))
  return [...list].sort((a, b) => {
    for (const k of keys) {
      const x = text(k.get(state, a))
      const y = text(k.get(state, b))
      if (x !== y) return x < y ? -k.sign : k.sign
    }
    return 0
  })
}

/** `fields=`: undefined for `_default_`/`_all_` (every field), else the named fields (id always). */
export function parseFields(fields: string | null): ReadonlySet<string> | undefined {
  if (fields === null) return undefined
  const names = splitTop(fields)
  if (names.includes('_all_') || names.includes('_default_')) return undefined
  return new Set(['id', ...names])
}

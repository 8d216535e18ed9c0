import { ApiError } from '../http/api-error.js'
import type { VConnRecord } from '../store/virtual-connections.js'

const invalid = (detail: string): ApiError => new ApiError(400, '400008', 'Invalid parameter value', detail)

/** Splits on commas outside `[…]` (the `in` operator's list). */
function splitTop(s: string): string[] {
  const out: string[] = []
  let depth = 0
  let start = 0
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '[') depth++
    else if (s[i] === ']') depth--
    else if (s[i] === ',' && depth === 0) {
      out.push(s.slice(start, i))
      start = i + 1
    }
  }
  out.push(s.slice(start))
  return out.filter((x) => x !== '')
}

type Field = 'name' | 'tags' | 'createdAt' | 'updatedAt' | 'isCertified' | 'hasExtracts'
const FIELDS: Record<Field, (v: VConnRecord) => string[]> = {
  name: (v) => [v.name],
  tags: (v) => v.tags,
  createdAt: (v) => [v.createdAt],
  updatedAt: (v) => [v.updatedAt],
  isCertified: (v) => [String(v.isCertified)],
  hasExtracts: () => ['false'],
}
const OPS = ['eq', 'cieq', 'in', 'gt', 'gte', 'lt', 'lte', 'has'] as const

function test(op: (typeof OPS)[number], values: string[], wanted: string): boolean {
  switch (op) {
    case 'eq':
    case 'has':
      return values.includes(wanted)
    case 'cieq':
      return values.some((v) => v.toLowerCase() === wanted.toLowerCase())
    case 'in': {
      const set = wanted.replace(/^\[|\]$/g, '').split(',')
      return values.some((v) => set.includes(v))
    }
    case 'gt':
      return values.some((v) => v > wanted)
    case 'gte':
      return values.some((v) => v >= wanted)
    case 'lt':
      return values.some((v) => v < wanted)
    case 'lte':
      return values.some((v) => v <= wanted)
  }
}

/** `?filter=field:op:value,…` over name, tags, createdAt, updatedAt, isCertified, hasExtracts. */
export function applyFilter(list: VConnRecord[], filter: string | null): VConnRecord[] {
  if (!filter) return list
  let out = list
  for (const expr of splitTop(filter)) {
    const [field, op, ...rest] = expr.split(':')
    const value = rest.join(':')
    if (!field || !(field in FIELDS)) throw invalid(`Unsupported filter field in '${expr}'.`)
    if (!OPS.includes(op as (typeof OPS)[number])) throw invalid(`Unsupported filter operator in '${expr}'.`)
    out = out.filter((v) => test(op as (typeof OPS)[number], FIELDS[field as Field](v), value))
  }
  return out
}

/** `?sort=field:asc|desc,…` over the filter fields. */
export function applySort(list: VConnRecord[], sort: string | null): VConnRecord[] {
  if (!sort) return list
  const keys = splitTop(sort).map((expr) => {
    const [field, dir = 'asc'] = expr.split(':')
    if (!field || !(field in FIELDS) || (dir !== 'asc' && dir !== 'desc'))
      throw invalid(`Unsupported sort expression '${expr}'.`)
    return { of: FIELDS[field as Field], sign: dir === 'asc' ? 1 : -1 }
  })
  return [...list].sort((a, b) => {
    for (const k of keys) {
      const x = k.of(a).join(',')
      const y = k.of(b).join(',')
      if (x !== y) return x < y ? -k.sign : k.sign
    }
    return 0
  })
}

import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { HyperdeltaError, isHyperdeltaError } from '../../../src/index.js'
import { ERROR_CATALOG, ERROR_CODES, payloadByteLimit } from '../../../src/wire.js'

const root = join(import.meta.dirname, '../../..')

/** The error tables, all on one page. */
const errorsPage = readFileSync(join(root, 'docs/errors.md'), 'utf8')

/** The codes in the first column of the error tables: rows like "| `SOME_CODE` | …". */
function documentedCodes(): Set<string> {
  return new Set([...errorsPage.matchAll(/^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|/gm)].map((m) => m[1]!))
}

/** Every code named in any cell of an error table (some tables map several Tableau codes to one of ours). */
function tableCellCodes(): Set<string> {
  const rows = errorsPage.split('\n').filter((line) => line.startsWith('|'))
  return new Set(rows.flatMap((row) => [...row.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]!)))
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return path.endsWith('.ts') ? [path] : []
  })
}

describe('error catalog', () => {
  it('docs/errors.md documents exactly the catalog codes', () => {
    expect([...documentedCodes()].filter((c) => !(c in ERROR_CATALOG)).sort()).toEqual([])
    const documented = tableCellCodes()
    expect(ERROR_CODES.filter((c) => !documented.has(c))).toEqual([])
  })

  it('the library never casts details and throws no other error class for bad input', () => {
    const offenders: string[] = []
    for (const file of [...sourceFiles(join(root, 'src')), ...sourceFiles(join(root, 'pipelines'))]) {
      const text = readFileSync(file, 'utf8')
      if (/details\s+as\b|\.details\s*\[/.test(text)) offenders.push(`${file}: details cast or index`)
      if (/throw new (Range|Type)Error\(/.test(text)) offenders.push(`${file}: throws a non-Hyperdelta error`)
    }
    expect(offenders).toEqual([])
  })

  it('isHyperdeltaError narrows by code', () => {
    const e: unknown = new HyperdeltaError('CONFIG_INVALID', 'x', { details: { field: 'server' } })
    expect(isHyperdeltaError(e, 'CONFIG_INVALID') && e.details.field).toBe('server')
    expect(isHyperdeltaError(e, 'API_ERROR')).toBe(false)
    expect(isHyperdeltaError(new Error('x'))).toBe(false)
  })

  it('payloadByteLimit rejects a bad size with PAYLOAD_OPTIONS_INVALID', () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      let error: unknown
      try {
        payloadByteLimit(bad)
      } catch (e) {
        error = e
      }
      expect(isHyperdeltaError(error, 'PAYLOAD_OPTIONS_INVALID') && error.details['maxSizeInMb']).toBe(bad)
    }
  })
})

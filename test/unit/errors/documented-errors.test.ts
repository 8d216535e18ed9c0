import { describe, expect, it } from 'vitest'
import { EXIT, exitCodeFor } from '../../../src/cli/exit-codes.js'
import { apiError, documentedErrors } from '../../../src/client/transport/client-errors.js'
import { HyperdeltaError, isHyperdeltaError } from '../../../src/index.js'
import {
  DOCUMENTED_ERROR_KINDS,
  DOCUMENTED_ERRORS,
  type DocumentedError,
  documentedErrorKind,
  ENDPOINT_NAMES,
  ENDPOINTS,
  type EndpointName,
  ERROR_CATALOG,
} from '../../../src/wire.js'

// The protocol catalogue's documented Tableau codes, each → one kind of failure, and the client's one mapping.

const rowsOf = (n: EndpointName) => DOCUMENTED_ERRORS[n] as readonly DocumentedError[]
const pairs = ENDPOINT_NAMES.flatMap((endpoint) => rowsOf(endpoint).map((row) => ({ endpoint, row })))
const label = ({ endpoint, row }: (typeof pairs)[number]) =>
  `${endpoint} ${row.tableauCode}${row.when ? ` (${row.when[0]})` : ''} → ${row.kind}`

/** The API_ERROR the transport throws for a Tableau error answer. */
const answer = (endpoint: EndpointName, row: DocumentedError, summary = row.when?.[0] ?? 'Summary') =>
  apiError(
    'client',
    { method: ENDPOINTS[endpoint].method, url: '/api/3.24/x' },
    row.status,
    {
      code: row.tableauCode,
      summary,
      detail: 'Detail',
    },
    { retryable: false },
  )

describe('documented Tableau error codes', () => {
  it('list the codes of the Data Sources and Virtual Connections pages', () => {
    expect(pairs.length).toBeGreaterThan(180)
    for (const resource of ['datasource', 'virtual-connection'] as const) {
      const silent = ENDPOINT_NAMES.filter((n) => ENDPOINTS[n].resource === resource && rowsOf(n).length === 0)
      expect(silent, resource).toEqual([])
    }
  })

  it('every kind is a catalog code, and every kind is some row', () => {
    for (const kind of DOCUMENTED_ERROR_KINDS) expect(ERROR_CATALOG[kind], kind).toBe('client')
    expect(new Set(pairs.map((p) => p.row.kind))).toEqual(new Set(DOCUMENTED_ERROR_KINDS))
  })

  it('the status is the code family, except the rows the page prints otherwise (409004 with 400)', () => {
    const odd = pairs.filter(({ row }) => String(row.status) !== row.tableauCode.slice(0, 3))
    expect(new Set(odd.map(({ row }) => row.tableauCode))).toEqual(new Set(['409004']))
  })

  it('within a resource, one Tableau code is one kind (the fallback for unlisted endpoints relies on it)', () => {
    const kinds = new Map<string, Set<string>>()
    for (const { endpoint, row } of pairs) {
      if (row.when !== undefined) continue
      const key = `${ENDPOINTS[endpoint].resource} ${row.tableauCode}`
      kinds.set(key, (kinds.get(key) ?? new Set()).add(row.kind))
    }
    expect([...kinds].filter(([, k]) => k.size > 1)).toEqual([])
  })

  it.each(pairs.map((p) => [label(p), p] as const))('%s', (_label, { endpoint, row }) => {
    expect(documentedErrorKind(endpoint, row.tableauCode, row.when?.[0] ?? '')).toBe(row.kind)
    const source = answer(endpoint, row)
    const mapped = documentedErrors(endpoint)(source)
    expect(mapped).toBeInstanceOf(HyperdeltaError)
    expect(mapped).toMatchObject({
      code: row.kind,
      retryable: false,
      cause: source,
      details: {
        resource: ENDPOINTS[endpoint].resource,
        endpoint,
        tableauCode: row.tableauCode,
        status: row.status,
        summary: row.when?.[0] ?? 'Summary',
        detail: 'Detail',
        method: ENDPOINTS[endpoint].method,
      },
    })
    // the server answered: never "bad input" (3) or "interrupted" (6) in the CLI
    expect(exitCodeFor(mapped)).toBe(EXIT.server)
  })

  it('403007 on Publish Data Source: "Overwrite forbidden" is NAME_CONFLICT, any other text PERMISSION_DENIED', () => {
    expect(documentedErrorKind('publishDatasource', '403007', 'Overwrite forbidden A data source …')).toBe(
      'NAME_CONFLICT',
    )
    expect(documentedErrorKind('publishDatasource', '403007', 'Insufficient publishing permission')).toBe(
      'PERMISSION_DENIED',
    )
  })

  it("a code listed for another endpoint of the resource means the same; another resource's or none stays untyped", () => {
    expect(documentedErrorKind('listVirtualConnectionConnections', '404049')).toBe('VIRTUAL_CONNECTION_NOT_FOUND')
    expect(documentedErrorKind('queryDatasource', '404011')).toBe('DATASOURCE_NOT_FOUND')
    expect(documentedErrorKind('addTags', '400049')).toBeUndefined() // a virtual connection's code only
    expect(documentedErrorKind('addTags', '400999')).toBeUndefined()
    expect(documentedErrorKind('queryJob', '404004')).toBeUndefined()
    const odd = answer('addTags', { tableauCode: '400999', status: 400, kind: 'REQUEST_INVALID', meaning: '' })
    expect(documentedErrors('addTags')(odd)).toBe(odd)
    const other = new HyperdeltaError('NETWORK_ERROR', 'x', { details: { method: 'GET', url: '/', reason: 'x' } })
    expect(documentedErrors('addTags')(other)).toBe(other)
  })

  it('the same Tableau code on a data source and a virtual connection is the same code, but for what is missing', () => {
    const on = (endpoint: EndpointName, code: string) => documentedErrorKind(endpoint, code)
    expect(on('queryDatasources', '400006')).toBe(on('listVirtualConnections', '400006'))
    expect(on('queryDatasources', '403014')).toBe(on('listVirtualConnections', '403014'))
    expect(on('deleteTag', '404007')).toBe(on('deleteVirtualConnectionTag', '404007'))
    expect(on('deleteTag', '400077')).toBe(on('deleteVirtualConnectionTag', '400077'))
    expect(on('deleteDatasource', '403004')).toBe(on('deleteVirtualConnection', '403004'))
    expect(on('updateDatasource', '409015')).toBe(on('updateVirtualConnection', '409124'))
    expect(on('deleteTag', '404004')).toBe('DATASOURCE_NOT_FOUND')
    expect(on('deleteVirtualConnectionTag', '404004')).toBe('VIRTUAL_CONNECTION_NOT_FOUND')
    const mapped = documentedErrors('deleteVirtualConnection', { virtualConnection: 'vc-1' })(
      answer('deleteVirtualConnection', rowsOf('deleteVirtualConnection')[1]!),
    )
    expect(isHyperdeltaError(mapped, 'VIRTUAL_CONNECTION_NOT_FOUND') && mapped.details.virtualConnection).toBe('vc-1')
  })
})

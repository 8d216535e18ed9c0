import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EXIT } from '../../../src/cli/exit-codes.js'
import { TableauClient } from '../../../src/index.js'
import { runCliInProcess } from '../../helpers/spawn-cli.js'
import { type Fixture, PAT, startFixture } from '../plan/emulator-fixture.js'
import { type HoldingProxy, startHoldingProxy } from '../reliability/holding-proxy.js'

// An id, tag, label or job id that a URL resolver would read as `.` or `..` (or as more segments) is bad input on
// the command line: exit 3, a message naming the argument, and not one request sent (not even the sign-in). The
// emulator sits behind a proxy that records every request line.
let fx: Fixture
let proxy: HoldingProxy
let victim: string

beforeAll(async () => {
  fx = await startFixture()
  proxy = await startHoldingProxy(fx.emu.url)
  const file = join(fx.dir, 'victim.parquet')
  const db = await DuckDBInstance.create(':memory:')
  const c = await db.connect()
  await c.run(`COPY (SELECT range AS id FROM range(3)) TO '${file}' (FORMAT parquet)`)
  c.closeSync()
  db.closeSync()
  const client = await TableauClient.signIn({ server: fx.emu.url, auth: { personalAccessToken: PAT } })
  victim = (await client.datasources.publish({ name: 'Victim', file })).id
  await client.datasources.addTags(victim, ['keep'])
  await client.close()
})
afterAll(async () => {
  await proxy.close()
  await fx.close()
})

async function cli(...args: string[]) {
  return runCliInProcess(args, {
    TABLEAU_SERVER: proxy.url,
    TABLEAU_PAT_NAME: PAT.name,
    TABLEAU_PAT_SECRET: PAT.secret,
  })
}

describe('path values on the command line', () => {
  const id = () => victim
  const cases: [string, () => string[]][] = [
    ['datasource untag <id> ..', () => ['datasource', 'untag', id(), '..']],
    ['datasource untag <id> keep %2E%2e', () => ['datasource', 'untag', id(), 'keep', '%2E%2e']],
    ['datasource delete .', () => ['datasource', 'delete', '.']],
    ['datasource get a/../..', () => ['datasource', 'get', 'a/../..']],
    ['datasource connections <id> --update ..', () => ['datasource', 'connections', id(), '--update', '..']],
    ['datasource revisions .%2e', () => ['datasource', 'revisions', '.%2e']],
    ['datasource keychain retrieve ..', () => ['datasource', 'keychain', 'retrieve', '..']],
    ['vconn untag <id> ..', () => ['vconn', 'untag', id(), '..']],
    ['vconn delete %2e%2e', () => ['vconn', 'delete', '%2e%2e']],
    ['vconn connections <id> --modify ..', () => ['vconn', 'connections', id(), '--modify', '..']],
    ['job cancel ..', () => ['job', 'cancel', '..']],
    ['job wait %2e', () => ['job', 'wait', '%2e']],
  ]

  it.each(cases)('%s: exit 3, the value named, nothing sent', async (_, args) => {
    const before = proxy.requests.length
    const r = await cli(...args())
    expect(r.code, r.stderr).toBe(EXIT.input)
    expect(r.stderr).toMatch(/PATH_SEGMENT_INVALID: .*dot-segment/)
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/) // no stack trace
    expect(proxy.requests.slice(before)).toEqual([])
  })

  it('the message says which argument and why', async () => {
    const r = await cli('datasource', 'untag', victim, '..')
    expect(r.stderr).toContain('<tag> ".." is a dot-segment')
  })

  it('a harmless odd tag is sent percent-encoded inside its own segment', async () => {
    const before = proxy.requests.length
    const r = await cli('datasource', 'untag', victim, 'a?b#c')
    expect(r.code).toBe(EXIT.server) // the data source has no such tag: 404007
    const deletes = proxy.requests.slice(before).filter((q) => q.method === 'DELETE')
    expect(deletes.map((q) => q.url.split('/').slice(-2).join('/'))).toEqual(['tags/a%3Fb%23c'])
  })

  it('the data source aimed at is still there, with its tag', async () => {
    const r = await cli('datasource', 'get', victim, '--json')
    expect(r.code).toBe(EXIT.ok)
    expect(JSON.parse(r.stdout).tags).toEqual(['keep'])
  })
})

import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EXIT } from '../../../src/cli/exit-codes.js'
import { runCliInProcess } from '../../helpers/spawn-cli.js'
import { type Fixture, PAT, startFixture } from '../plan/emulator-fixture.js'

// `hyperdelta datasource …` end to end against the emulator, exit codes as for push.
let fx: Fixture
let day0: string
let day1: string
beforeAll(async () => {
  fx = await startFixture()
  const db = await DuckDBInstance.create(':memory:')
  const c = await db.connect()
  day0 = join(fx.dir, 'day0.parquet')
  day1 = join(fx.dir, 'day1.parquet')
  await c.run(`COPY (SELECT range AS id, 'a' AS v FROM range(10)) TO '${day0}' (FORMAT parquet)`)
  await c.run(`COPY (SELECT range AS id, 'b' AS v FROM range(3)) TO '${day1}' (FORMAT parquet)`)
  c.closeSync()
  db.closeSync()
})
afterAll(async () => {
  await fx.close()
})

async function cli(...args: string[]) {
  const { code, stdout, stderr } = await runCliInProcess(args, {
    TABLEAU_SERVER: fx.emu.url,
    TABLEAU_PAT_NAME: PAT.name,
    TABLEAU_PAT_SECRET: PAT.secret,
  })
  return { code, stdout, stderr, json: () => JSON.parse(stdout) }
}

describe('hyperdelta datasource', () => {
  it('publish, list, get, tag/untag, update, connections, refresh, revisions, download, keychain, delete', async () => {
    const pub = await cli('datasource', 'publish', day0, '--name', 'Orders', '--description', 'day 0', '--json')
    expect(pub.code).toBe(EXIT.ok)
    const id = pub.json().id
    expect(await fx.emu.query('SELECT count(*) AS n FROM "Orders"."Extract"."Extract"')).toEqual([{ n: 10n }])
    expect((await cli('datasource', 'publish', day1, '--name', 'Orders', '--mode', 'overwrite')).code).toBe(0)
    expect(await fx.emu.query('SELECT count(*) AS n FROM "Orders"."Extract"."Extract"')).toEqual([{ n: 3n }])

    const list = await cli('datasource', 'list', '--filter', 'name:eq:Orders', '--json')
    expect(list.json().map((d: { id: string }) => d.id)).toEqual([id])
    expect((await cli('datasource', 'get', '--name', 'Orders')).stdout).toContain(id)
    // Not a terminal: TSV with a header, one line per data source.
    const tsv = (await cli('datasource', 'list', '--filter', 'name:eq:Orders')).stdout.split('\n')
    expect(tsv[0]).toBe('id\tname\tproject\tupdated\ttags')
    expect(tsv[1]!.split('\t').slice(0, 2)).toEqual([id, 'Orders'])
    expect(tsv).toHaveLength(3)
    expect((await cli('datasource', 'tag', id, 'nightly', 'gdp')).stdout.trim()).toBe('nightly,gdp')
    expect((await cli('datasource', 'untag', id, 'gdp')).code).toBe(0)
    const upd = await cli('datasource', 'update', id, '--certified', 'true', '--certification-note', 'ok', '--json')
    expect(upd.json()).toMatchObject({ isCertified: true, certificationNote: 'ok', tags: ['nightly'] })
    const conns = await cli('datasource', 'connections', id, '--json')
    const cid = conns.json()[0].id
    const cu = await cli('datasource', 'connections', id, '--update', cid, '--server-address', 'db', '--json')
    expect(cu.json()).toMatchObject({ id: cid, serverAddress: 'db' })
    expect((await cli('datasource', 'refresh', id, '--wait')).stdout).toMatch(/refresh job .*: succeeded/)
    expect((await cli('datasource', 'revisions', id)).stdout).toMatch(
      /^revision\tpublished\tstate\n1\t.*\n2\t.*\tcurrent\n$/,
    )
    const revs = await cli('datasource', 'revisions', id, '--json')
    expect(revs.json().map((r: { revisionNumber: number }) => r.revisionNumber)).toEqual([1, 2])
    const to = join(fx.dir, 'rev1.parquet')
    expect((await cli('datasource', 'download', id, '--revision', '1', '--to', to)).code).toBe(0)
    expect((await readFile(to)).equals(await readFile(day0))).toBe(true)
    expect((await cli('datasource', 'revisions', id, '--remove', '1')).code).toBe(0)
    const kc = await cli(
      'datasource',
      'keychain',
      'retrieve',
      id,
      '--dest-site-url-namespace',
      's',
      '--dest-site-luid',
      'l',
      '--dest-server-url',
      'https://x',
      '--json',
    )
    expect(kc.json().encryptedKeychains).toHaveLength(1)
    expect((await cli('datasource', 'keychain', 'apply', id, '--keychain', 'k1')).code).toBe(0)
    expect((await cli('datasource', 'delete', id)).code).toBe(0)
    const gone = await cli('datasource', 'get', id)
    expect(gone.code).toBe(EXIT.server)
    expect(gone.stderr).toContain('DATASOURCE_NOT_FOUND')
  })

  it('exit codes: usage 2 (unknown verb, bad flag), input 3 (missing file), server 4 (current revision)', async () => {
    expect((await cli('datasource', 'frobnicate')).code).toBe(EXIT.usage)
    expect((await cli('datasource', 'list', '--bogus')).code).toBe(EXIT.usage)
    expect((await cli('datasource', 'publish', join(fx.dir, 'nope.parquet'), '--name', 'X')).code).toBe(EXIT.input)
    const pub = await cli('datasource', 'publish', day0, '--name', 'Once', '--json')
    const current = await cli('datasource', 'revisions', pub.json().id, '--remove', '1')
    expect(current.code).toBe(EXIT.server)
    expect(current.stderr).toContain('REVISION_IS_CURRENT')
  })
})

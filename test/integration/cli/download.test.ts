import { randomBytes } from 'node:crypto'
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EXIT } from '../../../src/cli/exit-codes.js'
import { type HeaderProxy, startHeaderProxy } from '../../helpers/header-proxy.js'
import { runCliInProcess, spawnCli } from '../../helpers/spawn-cli.js'
import { type Fixture, PAT, startFixture } from '../plan/emulator-fixture.js'

// `hyperdelta datasource download` against the emulator: the CLI says when a
// server-named file was saved under another name, and a file that cannot be written is DOWNLOAD_WRITE_FAILED,
// exit 3, sent once, with no .part file left.
let fx: Fixture
let proxy: HeaderProxy
let id: string
const content = randomBytes(2 * 1024 * 1024)
const env = () => ({ TABLEAU_SERVER: proxy.url, TABLEAU_PAT_NAME: PAT.name, TABLEAU_PAT_SECRET: PAT.secret })
const cli = (...args: string[]) => runCliInProcess(args, env())

beforeAll(async () => {
  fx = await startFixture()
  proxy = await startHeaderProxy(fx.emu.url, /\/content(\?|$)/, 'content-disposition')
  const file = join(fx.dir, 'Big.tdsx')
  await writeFile(file, content)
  id = (await fx.client.datasources.publish({ name: 'Big', file })).id
})
afterAll(async () => {
  await proxy?.close()
  await fx?.close()
})

describe('hyperdelta datasource download', () => {
  it('into a directory holding the server name: a free name, and the output says why', async () => {
    const out = await mkdtemp(join(fx.dir, 'out-'))
    await writeFile(join(out, 'Big.tdsx'), 'keep')
    const text = await cli('datasource', 'download', id, '--to', out)
    expect(text.code).toBe(EXIT.ok)
    expect(text.stdout).toContain(`to ${join(out, 'Big (1).tdsx')} (the server named it "Big.tdsx": an entry of that`)
    proxy.rewrite = "attachment; filename*=UTF-8''..%2F%E2%80%AEBig.tdsx"
    const json = await cli('datasource', 'download', id, '--to', out, '--json')
    proxy.rewrite = undefined
    expect(JSON.parse(json.stdout)).toMatchObject({ path: join(out, '_Big.tdsx'), renamed: ['unsafe'] })
    expect(await readFile(join(out, 'Big.tdsx'), 'utf8')).toBe('keep')
    expect((await readFile(join(out, 'Big (1).tdsx'))).equals(content)).toBe(true)
  })

  it('a disk that fills mid-stream (file size limit): DOWNLOAD_WRITE_FAILED, exit 3, one request, no .part', async () => {
    const out = await mkdtemp(join(fx.dir, 'full-'))
    const before = proxy.hits
    const r = await spawnCli(['datasource', 'download', id, '--to', out], { env: env(), fileSizeLimitKb: 512 })
    expect(r.stderr).toContain('DOWNLOAD_WRITE_FAILED')
    expect(r.stderr).toContain('EFBIG')
    expect(r.code).toBe(EXIT.input)
    expect(proxy.hits - before).toBe(1)
    expect(await readdir(out)).toEqual([])
  })

  it('a parent that is missing: exit 3, nothing left', async () => {
    const out = await mkdtemp(join(fx.dir, 'missing-'))
    const r = await cli('datasource', 'download', id, '--to', join(out, 'no', 'x.tdsx'))
    expect(r.code).toBe(EXIT.input)
    expect(r.stderr).toMatch(/DOWNLOAD_WRITE_FAILED: .*ENOENT/)
    expect(await readdir(out)).toEqual([])
  })
})

import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EXIT } from '../../../src/cli/exit-codes.js'
import { type Emulator, startEmulator } from '../../../src/emulator/index.js'
import { apiPath, TableauClient } from '../../../src/index.js'
import { runCliInProcess } from '../../helpers/spawn-cli.js'

// `hyperdelta vconn …` against the emulator: every verb, exact content files, exit codes.
let dir: string
let emu: Emulator
let projectId: string
let bobId: string
const CONTENT = `${JSON.stringify({ connections: [{ id: 'conn-1', dbClass: 'postgres', server: 'db.dev', port: 5432, username: 'etl' }], q: '"<&>"' }, null, 2)}\n`

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  return runCliInProcess(args, {
    TABLEAU_SERVER: emu.url,
    TABLEAU_USERNAME: 'admin',
    TABLEAU_PASSWORD: 'pw-123',
    ...env,
  })
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hd-vconn-cli-'))
  emu = await startEmulator({
    dataDir: join(dir, 'emu'),
    users: [
      { name: 'admin', password: 'pw-123' },
      { name: 'bob', password: 'pw-456' },
    ],
  })
  const c = await TableauClient.signIn({
    server: emu.url,
    auth: { password: { username: 'admin', password: 'pw-123' } },
  })
  const page = (await c.request({
    label: 'lookup',
    method: 'GET',
    path: apiPath`/projects`,
    expect: [200],
    schema: (await import('zod')).z.any(),
  })) as { projects: { project: { id: string }[] } }
  projectId = page.projects.project[0]!.id
  const users = (await c.request({
    label: 'lookup',
    method: 'GET',
    path: apiPath`/users?filter=name:eq:bob`,
    expect: [200],
    schema: (await import('zod')).z.any(),
  })) as { users: { user: { id: string }[] } }
  bobId = users.users.user[0]!.id
  await c.close()
  await writeFile(join(dir, 'content.json'), CONTENT)
})
afterAll(async () => {
  await emu.close()
  await rm(dir, { recursive: true, force: true })
})

describe('hyperdelta vconn', () => {
  it('download --out onto a directory: DOWNLOAD_WRITE_FAILED, exit 3, no temp file left', async () => {
    const pub = await cli([
      'vconn',
      'publish',
      '--name',
      'Out',
      '--project-id',
      projectId,
      '--content',
      join(dir, 'content.json'),
      '--json',
    ])
    const out = await mkdtemp(join(dir, 'out-'))
    const target = join(out, 'vc.json')
    await mkdir(target)
    const r = await cli(['vconn', 'download', JSON.parse(pub.stdout).id, '--out', target])
    expect(r.stderr).toMatch(/DOWNLOAD_WRITE_FAILED: .*EISDIR/)
    expect(r.code).toBe(EXIT.input)
    expect(await readdir(out)).toEqual(['vc.json'])
    expect(await readdir(target)).toEqual([])
    expect((await cli(['vconn', 'delete', JSON.parse(pub.stdout).id])).code).toBe(EXIT.ok)
  })

  it('publish, list, download (exact, both formats), overwrite, revisions, update, delete', async () => {
    const file = join(dir, 'content.json')
    const pub = await cli([
      'vconn',
      'publish',
      '--name',
      'Batters',
      '--project-id',
      projectId,
      '--content',
      file,
      '--json',
    ])
    expect(pub.code).toBe(EXIT.ok)
    const id = JSON.parse(pub.stdout).id as string
    const list = await cli(['vconn', 'list', '--filter', 'name:eq:Batters'])
    expect(list.stdout).toBe(`id\tname\tcertified\n${id}\tBatters\t\n`)
    for (const format of ['xml', 'json']) {
      const out = join(dir, `down.${format}.json`)
      expect((await cli(['vconn', 'download', id, '--out', out, '--format', format])).code).toBe(EXIT.ok)
      expect(await readFile(out, 'utf8')).toBe(CONTENT)
      const again = await cli([
        'vconn',
        'publish',
        '--name',
        'Batters',
        '--project-id',
        projectId,
        '--content',
        out,
        '--overwrite',
        '--format',
        format,
      ])
      expect(again.stdout).toBe(`published Batters: ${id}\n`)
    }
    expect((await cli(['vconn', 'download', id])).stdout).toBe(CONTENT) // stdout is the content, nothing added
    const revisions = await cli(['vconn', 'revisions', id, '--json'])
    expect(
      JSON.parse(revisions.stdout).map((r: { revisionNumber: number; current: boolean }) => [
        r.revisionNumber,
        r.current,
      ]),
    ).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ])
    expect((await cli(['vconn', 'download', id, '--revision', '1'])).stdout).toBe(CONTENT)
    const upd = await cli([
      'vconn',
      'update',
      id,
      '--name',
      'Batters 2',
      '--certified',
      'true',
      '--certification-note',
      'ok',
    ])
    expect(upd.stdout).toBe(`updated ${id}: Batters 2 (certified)\n`)
    expect((await cli(['vconn', 'delete', id])).stdout).toBe(`deleted ${id}\n`)
    const gone = await cli(['vconn', 'download', id])
    expect([gone.code, gone.stderr]).toEqual([EXIT.server, expect.stringContaining('VIRTUAL_CONNECTION_NOT_FOUND')])
  })

  it('connections (list, --modify with the password from the environment), tag, untag, permissions', async () => {
    const id = JSON.parse(
      (
        await cli([
          'vconn',
          'publish',
          '--name',
          'Access',
          '--project-id',
          projectId,
          '--content',
          join(dir, 'content.json'),
          '--json',
        ])
      ).stdout,
    ).id
    expect((await cli(['vconn', 'connections', id])).stdout).toBe(
      'id\tclass\tserver\tport\tuser\nconn-1\tpostgres\tdb.dev\t5432\tetl\n',
    )
    const mod = await cli(
      [
        'vconn',
        'connections',
        id,
        '--modify',
        'conn-1',
        '--server-address',
        'db.prod',
        '--server-port',
        '6543',
        '--user-name',
        'svc',
        '--password-env',
        'DB_PW',
      ],
      { DB_PW: 'db-secret-value' },
    )
    expect(mod.stdout).toBe('updated conn-1: db.prod:6543 svc\n')
    expect(mod.stdout + mod.stderr).not.toContain('db-secret-value')
    expect((await cli(['vconn', 'tag', id, 'finance', 'Office'])).stdout).toBe('tags: finance, Office\n')
    expect((await cli(['vconn', 'untag', id, 'Office'])).code).toBe(EXIT.ok)
    const absent = await cli(['vconn', 'untag', id, 'Office'])
    expect([absent.code, absent.stderr]).toEqual([EXIT.server, expect.stringContaining('TAG_NOT_FOUND')])
    const granted = await cli([
      'vconn',
      'permissions',
      id,
      '--grant',
      `user:${bobId}:read:allow`,
      '--grant',
      `user:${bobId}:Connect:Allow`,
    ])
    expect(granted.stdout).toBe(`grantee\tid\tcapabilities\nuser\t${bobId}\tRead:Allow Connect:Allow\n`)
    const revoked = await cli(['vconn', 'permissions', id, '--revoke', `user:${bobId}:Read:Allow`, '--json'])
    expect(JSON.parse(revoked.stdout).grants).toEqual([
      { grantee: { type: 'user', id: bobId }, capabilities: { Connect: 'Allow' } },
    ])
  })

  it('exit codes: usage 2, bad content 3 (nothing sent), unknown id 4', async () => {
    expect((await cli(['vconn', 'frobnicate'])).code).toBe(EXIT.usage)
    expect((await cli(['vconn', 'download'])).code).toBe(EXIT.usage)
    expect((await cli(['vconn', 'permissions', 'x', '--grant', 'user:u:Write:Allow'])).code).toBe(EXIT.usage)
    await writeFile(join(dir, 'bad.json'), 'not json')
    const bad = await cli([
      'vconn',
      'publish',
      '--name',
      'B',
      '--project-id',
      projectId,
      '--content',
      join(dir, 'bad.json'),
    ])
    expect([bad.code, bad.stderr]).toEqual([EXIT.input, expect.stringContaining('CONTENT_INVALID')])
    const missing = await cli([
      'vconn',
      'publish',
      '--name',
      'B',
      '--project-id',
      projectId,
      '--content',
      join(dir, 'nope.json'),
    ])
    expect(missing.code).toBe(EXIT.input)
    const unknown = await cli(['vconn', 'delete', '00000000-0000-4000-8000-000000000000'])
    expect([unknown.code, unknown.stderr]).toEqual([
      EXIT.server,
      expect.stringContaining('VIRTUAL_CONNECTION_NOT_FOUND'),
    ])
    expect(unknown.stderr.split('\n').length).toBeLessThanOrEqual(3) // one line, no stack trace
  })
})

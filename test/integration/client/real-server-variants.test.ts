import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { EXIT } from '../../../src/cli/exit-codes.js'
import { type Emulator, type ServerPersonality, startEmulator } from '../../../src/emulator/index.js'
import { apiPath, promoteVirtualConnection, TableauClient, type VirtualConnectionFormat } from '../../../src/index.js'
import { runCliInProcess } from '../../helpers/spawn-cli.js'

// The real client (and CLI) against the emulator speaking as real servers do (personality realServerVariants):
// database connections with `username`, or `connectionId`/`server`/`port`/`username`; a bare <connection>
// update answer; an id-less Update Virtual Connection answer. (Publish keeps its id: Tableau's Python client
// fails without it, so no server its users run answers that way; our client would find the id by name.) Every
// value must come out as with the documented shapes.

const CONN = 'c0ffee00-0000-4000-8000-000000000001'
const CONTENT = `${JSON.stringify({ connections: [{ id: CONN, dbClass: 'postgres', server: 'db.dev', port: 5432, username: 'etl' }] })}\n`
const DEV = { id: CONN, dbClass: 'postgres', serverAddress: 'db.dev', serverPort: '5432', userName: 'etl' }
const signIn = (emu: Emulator, site: string) =>
  TableauClient.signIn({ server: emu.url, site, auth: { password: { username: 'admin', password: 'pw-123' } } })

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const x of it) out.push(x)
  return out
}

async function projectOf(c: TableauClient): Promise<string> {
  const r = (await c.request({
    label: 'projects',
    method: 'GET',
    path: apiPath`/projects?filter=name:eq:Default`,
    expect: [200],
    schema: z.any(),
  })) as { projects: { project: { id: string }[] } }
  return r.projects.project[0]!.id
}

describe.each([
  ['username', 'username'],
  ['connectionId', 'connectionId'],
] as [string, NonNullable<ServerPersonality['realServerVariants']>][])(
  'personality realServerVariants: %s',
  (_, variant) => {
    let dir: string
    let emu: Emulator
    let dev: TableauClient
    let prod: TableauClient
    let projectId: string
    let prodProjectId: string

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'hd-variants-'))
      emu = await startEmulator({
        dataDir: join(dir, 'emu'),
        sites: ['', 'prod'],
        users: [{ name: 'admin', password: 'pw-123' }],
        personality: { realServerVariants: variant },
      })
      dev = await signIn(emu, '')
      prod = await signIn(emu, 'prod')
      projectId = await projectOf(dev)
      prodProjectId = await projectOf(prod)
      await writeFile(join(dir, 'content.json'), CONTENT)
    })
    afterAll(async () => {
      await dev.close()
      await prod.close()
      await emu.close()
      await rm(dir, { recursive: true, force: true })
    })

    it('the emulator really sends the variant spelling (so the tests below can fail)', async () => {
      const { id } = await dev.virtualConnections.publish({ name: 'Raw', projectId, content: CONTENT })
      const raw = (await dev.request({
        label: 'raw',
        method: 'GET',
        path: apiPath`/virtualconnections/${id}/connections`,
        expect: [200],
        schema: z.any(),
      })) as { virtualConnectionConnections: { connection: Record<string, string>[] } }
      const published = (await dev.request({
        label: 'raw',
        method: 'POST',
        path: apiPath`/virtualconnections?overwrite=false&publishAsDraft=false`,
        headers: { 'Content-Type': 'application/xml' },
        body: () =>
          `<tsRequest><virtualConnection name="Raw 2"><project id="${projectId}"/><owner id="${dev.userId}"/><content>{}</content></virtualConnection></tsRequest>`,
        expect: [201],
        schema: z.any(),
      })) as { virtualConnection: Record<string, unknown> }
      expect(published.virtualConnection['name']).toBe('Raw 2')
      expect(published.virtualConnection['id']).toEqual(expect.any(String))
      const attrs = Object.keys(raw.virtualConnectionConnections.connection[0]!).sort()
      expect(attrs).toEqual(
        variant === 'username'
          ? ['dbClass', 'id', 'serverAddress', 'serverPort', 'username']
          : ['connectionId', 'dbClass', 'port', 'server', 'username'],
      )
    })

    it.each(['xml', 'json'] as VirtualConnectionFormat[])(
      '%s: connections, updateConnection and update read every value',
      async (format) => {
        const vc = dev.virtualConnections.inFormat(format)
        const { id } = await vc.publish({ name: `Sales ${format}`, projectId, content: CONTENT })
        expect(await all(vc.connections(id))).toEqual([DEV])
        expect(
          await vc.updateConnection(id, CONN, { serverAddress: 'db.qa', serverPort: 6543, userName: 'qa' }),
        ).toEqual({
          id: CONN,
          serverAddress: 'db.qa',
          serverPort: '6543',
          userName: 'qa',
        })
        expect(await all(vc.connections(id))).toEqual([
          { ...DEV, serverAddress: 'db.qa', serverPort: '6543', userName: 'qa' },
        ])
        const updated = await vc.update(id, { name: `Sales ${format} renamed` })
        expect(updated).toMatchObject({ id, name: `Sales ${format} renamed`, projectId })
      },
    )

    it('promoteVirtualConnection rewrites the connection and reports it in full', async () => {
      const { id } = await dev.virtualConnections.publish({ name: 'Promoted', projectId, content: CONTENT })
      const result = await promoteVirtualConnection({
        from: dev,
        id,
        to: prod,
        projectId: prodProjectId,
        rewrite: (c) =>
          c.serverAddress === 'db.dev' && c.userName === 'etl'
            ? { serverAddress: 'db.prod', serverPort: 5433, userName: 'svc', password: 'p' }
            : undefined,
      })
      expect(result.rewritten).toEqual([{ id: CONN, serverAddress: 'db.prod', serverPort: '5433', userName: 'svc' }])
      expect(await all(prod.virtualConnections.connections(result.published.id))).toEqual([
        { ...DEV, serverAddress: 'db.prod', serverPort: '5433', userName: 'svc' },
      ])
    })

    it('hyperdelta vconn connections lists and modifies', async () => {
      const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
        runCliInProcess(args, {
          TABLEAU_SERVER: emu.url,
          TABLEAU_USERNAME: 'admin',
          TABLEAU_PASSWORD: 'pw-123',
          ...env,
        })
      const pub = await cli([
        'vconn',
        'publish',
        '--name',
        'Cli',
        '--project-id',
        projectId,
        '--content',
        join(dir, 'content.json'),
        '--json',
      ])
      expect(pub.code).toBe(EXIT.ok)
      const id = JSON.parse(pub.stdout).id as string
      const listed = await cli(['vconn', 'connections', id])
      expect([listed.code, listed.stdout]).toEqual([
        EXIT.ok,
        `id\tclass\tserver\tport\tuser\n${CONN}\tpostgres\tdb.dev\t5432\tetl\n`,
      ])
      const mod = await cli([
        'vconn',
        'connections',
        id,
        '--modify',
        CONN,
        '--server-address',
        'db.prod',
        '--user-name',
        'svc',
      ])
      expect([mod.code, mod.stdout]).toEqual([EXIT.ok, `updated ${CONN}: db.prod:5432 svc\n`])
    })
  },
)

/**
 * `npx tsx samples/virtual-connections.ts`: virtual connections end to end on the emulator. Starts it with a
 * `dev` and a `prod` site, publishes a virtual connection on dev, overwrites it (the old content becomes a
 * revision), tags it, grants a group Connect, then promotes it to prod with the database connection pointed at
 * the prod database, and checks the content arrived byte for byte.
 */

import { apiPath, promoteVirtualConnection, TableauClient } from 'hyperdelta'
import { startEmulator } from 'hyperdelta/emulator'
import { z } from 'zod'

const emu = await startEmulator({
  sites: ['dev', 'prod'],
  users: [{ name: 'admin', password: 'admin-pw' }],
  groups: [{ name: 'Analysts', site: 'dev' }],
})
const auth = { password: { username: 'admin', password: 'admin-pw' } }
const dev = await TableauClient.signIn({ server: emu.url, site: 'dev', auth })
const prod = await TableauClient.signIn({ server: emu.url, site: 'prod', auth })
try {
  // LUIDs by name through the generic request API (Query Projects / Query Groups).
  const lookup = async (client: TableauClient, kind: 'projects' | 'groups', name: string): Promise<string> => {
    const item = kind === 'projects' ? 'project' : 'group'
    const schema = z.object({ [kind]: z.object({ [item]: z.array(z.object({ id: z.string() }).loose()) }) }).loose()
    const body = (await client.request({
      label: kind,
      method: 'GET',
      path: apiPath`/${kind}?filter=${`name:eq:${name}`}`,
      expect: [200],
      schema,
    })) as Record<string, Record<string, { id: string }[]>>
    return body[kind]![item]![0]!.id
  }
  const content = JSON.stringify({
    connections: [{ id: 'pg-main', dbClass: 'postgres', server: 'pg.dev.internal', port: 5432, username: 'etl' }],
    tables: [{ name: 'batters', policy: 'region = "EU" && team <> \'x\'' }],
  })
  const vcs = dev.virtualConnections
  const { id } = await vcs.publish({ name: 'Batters', projectId: await lookup(dev, 'projects', 'Default'), content })
  await vcs.publish({ name: 'Batters', projectId: await lookup(dev, 'projects', 'Default'), content, overwrite: true })
  await vcs.addTags(id, ['finance'])
  await vcs.addPermissions(id, [
    { grantee: { type: 'group', id: await lookup(dev, 'groups', 'Analysts') }, capabilities: { Connect: 'Allow' } },
  ])
  for await (const vc of vcs.list({ filter: ['tags:eq:finance'] })) console.log('dev:', vc.id, vc.name)
  for await (const r of vcs.revisions(id))
    console.log(`  revision ${r.revisionNumber}${r.current ? ' (current)' : ''} by ${r.publisher?.name}`)

  const { published, rewritten } = await promoteVirtualConnection({
    from: dev,
    id,
    to: prod,
    projectId: await lookup(prod, 'projects', 'Default'),
    rewrite: (c) =>
      c.serverAddress === 'pg.dev.internal'
        ? { serverAddress: 'pg.prod.internal', userName: 'svc', password: 'from-a-vault' }
        : undefined,
  })
  console.log(
    'prod:',
    published.id,
    rewritten.map((c) => `${c.id} → ${c.serverAddress}:${c.serverPort} as ${c.userName}`).join(', '),
  )
  const same = (await prod.virtualConnections.download(published.id)).content === content
  console.log(`content identical on prod: ${same}`)
  if (!same) process.exitCode = 1
} finally {
  await dev.close()
  await prod.close()
  await emu.close()
}

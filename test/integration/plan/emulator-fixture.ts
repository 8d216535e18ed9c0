import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Emulator, startEmulator } from '../../../src/emulator/index.js'
import { defineTable, int64, type RowOf, TableauClient, text } from '../../../src/index.js'

/** The table the push and pipeline tests load: an id and a wide, incompressible text column. */
export const items = defineTable({ schema: 'Extract', name: 'Extract' }, { id: int64(), body: text() })
/** Rows as the fixtures build them: ids are always bigint. */
export type Item = RowOf<typeof items> & { id: bigint }

/** Deterministic pseudo-random text: compresses badly, so a few thousand rows need several 1 MB files. */
export function itemRows(from: number, count: number, tag = ''): Item[] {
  let seed = from * 7919 + tag.length
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed
  }
  return Array.from({ length: count }, (_, i) => ({
    id: BigInt(from + i),
    body: tag + Array.from({ length: 200 }, () => next().toString(36).padStart(6, '0')).join(''),
  }))
}

export interface Fixture {
  dir: string
  emu: Emulator
  client: TableauClient
  /** The environment a `hyperdelta` command needs to reach this emulator (server, default site, PAT). */
  cliEnv: NodeJS.ProcessEnv
  /** Rows of a data source's table ordered by id. */
  rows(datasource: string): Promise<{ id: bigint; body: string }[]>
  close(): Promise<void>
}

export const PAT = { name: 'ci', secret: 'fixture-pat-secret' }

/** A fresh emulator, signed-in client and temp dir; `jobDelayMs` small so tests stay fast. */
export async function startFixture(): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'hd-push-'))
  const emu = await startEmulator({
    port: 0,
    dataDir: join(dir, 'emu'),
    jobDelayMs: 5,
    users: [{ name: 'admin', pat: PAT }],
  })
  const client = await TableauClient.signIn({ server: emu.url, site: '', auth: { personalAccessToken: PAT } })
  return {
    dir,
    emu,
    client,
    cliEnv: { TABLEAU_SERVER: emu.url, TABLEAU_SITE: '', TABLEAU_PAT_NAME: PAT.name, TABLEAU_PAT_SECRET: PAT.secret },
    rows: async (datasource) =>
      (await emu.query(`SELECT id, body FROM "${datasource}"."Extract"."Extract" ORDER BY id`)) as {
        id: bigint
        body: string
      }[],
    close: async () => {
      await client.close()
      await emu.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

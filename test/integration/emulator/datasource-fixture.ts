import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Emulator } from '../../../src/emulator/index.js'
import { call, parquetOf, type Signed, signIn, start, tempDir } from './helpers.js'

// A started emulator with a signed-in session and publish helpers, for the Data Sources tests.
const B = 'hd-ds-boundary'

/** A publish body: request_payload (XML) and, when given, the file part. */
export function publishBody(meta: string, file?: { name: string; bytes: Buffer }): Buffer {
  const head = `--${B}\r\nContent-Disposition: name="request_payload"\r\nContent-Type: text/xml\r\n\r\n${meta}\r\n`
  if (!file) return Buffer.from(`${head}--${B}--\r\n`)
  return Buffer.concat([
    Buffer.from(
      `${head}--${B}\r\nContent-Disposition: name="tableau_datasource"; filename="${file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    file.bytes,
    Buffer.from(`\r\n--${B}--\r\n`),
  ])
}

export const meta = (name: string, extra = '') => `<tsRequest><datasource name="${name}" ${extra}/></tsRequest>`

export interface DatasourceFixture {
  dir: Awaited<ReturnType<typeof tempDir>>
  emu: Emulator
  s: Signed
  publish(query: string, body: Buffer, json?: boolean): ReturnType<typeof call>
  parquet(name: string, select: string): Promise<Buffer>
  count(alias: string): Promise<unknown>
  restart(): Promise<void>
  close(): Promise<void>
}

export async function datasourceFixture(): Promise<DatasourceFixture> {
  const dir = await tempDir()
  const fx: DatasourceFixture = {
    dir,
    emu: await start({ dataDir: join(dir.path, 'data') }),
    s: undefined as unknown as Signed,
    publish: (query, body, json = false) =>
      call(`${fx.s.base}/datasources${query}`, {
        method: 'POST',
        headers: {
          ...fx.s.auth,
          'content-type': `multipart/mixed; boundary=${B}`,
          ...(json && { accept: 'application/json' }),
        },
        body,
      }),
    parquet: async (name, select) => readFile(await parquetOf(dir.path, name, select)),
    count: async (alias) => (await fx.emu.query(`SELECT count(*) AS n FROM "${alias}"."Extract"."Extract"`))[0]!['n'],
    restart: async () => {
      await fx.emu.close()
      fx.emu = await start({ dataDir: join(dir.path, 'data') })
      fx.s = await signIn(fx.emu)
    },
    close: async () => {
      await fx.emu.close()
      await dir.remove()
    },
  }
  fx.s = await signIn(fx.emu)
  return fx
}

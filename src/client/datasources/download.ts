import { createWriteStream } from 'node:fs'
import { rename, rm, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import type { Readable } from 'node:stream'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { HyperdeltaError } from '../../errors.js'
import type { Send } from '../api-request.js'
import { downloadContent } from '../resources/datasource-queries.js'
import type { DownloadDatasourceOptions, DownloadResult } from './types.js'

// Download Data Source / Download Data Source Revision: the body streams to `<target>.part` and is renamed into
// place once complete, so a failed or retried download never leaves a truncated file under the target name.

/** `filename="…"` (or RFC 5987 `filename*=UTF-8''…`) of a Content-Disposition header, reduced to a base name. */
export function dispositionFilename(header: string | undefined): string | undefined {
  if (!header) return undefined
  // RFC 5987: the charset is case-insensitive and a language tag may sit between the quotes.
  const star = /filename\*\s*=\s*UTF-8'[^']*'([^;\s]+)/i.exec(header)
  let name: string | undefined
  if (star?.[1]) {
    try {
      name = decodeURIComponent(star[1])
    } catch {
      name = undefined
    }
  }
  name ??= /filename\s*=\s*(?:"([^"]*)"|([^;\s]+))/
    .exec(header)
    ?.slice(1)
    .find((s) => s !== undefined)
  const base = name === undefined ? '' : basename(name.replace(/\\/g, '/'))
  return base === '' || base === '.' || base === '..' ? undefined : base
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory()
  } catch {
    return false
  }
}

/** Downloads a data source (or one revision) into `options.to`; progress after every chunk; retried as a whole. */
export async function downloadTo(
  send: Send,
  id: string,
  revision: number | undefined,
  options: DownloadDatasourceOptions,
): Promise<DownloadResult> {
  const layer = 'download'
  if (typeof options.to !== 'string' || options.to === '') {
    throw new HyperdeltaError('CONFIG_INVALID', `${layer}: "to" must be a file or directory path`, {
      details: { field: 'to' },
    })
  }
  const intoDirectory = await isDirectory(options.to)
  let result: DownloadResult | undefined
  const sink = async (body: Readable, headers: Record<string, string | string[] | undefined>): Promise<void> => {
    const header = (name: string) => {
      const v = headers[name]
      return Array.isArray(v) ? v[0] : v
    }
    const filename = dispositionFilename(header('content-disposition'))
    const target = intoDirectory ? join(options.to, filename ?? 'datasource') : options.to
    const partial = `${target}.part`
    const length = Number(header('content-length'))
    const totalBytes = Number.isFinite(length) && length >= 0 ? length : undefined
    let bytes = 0
    const count = new Transform({
      transform(chunk: Buffer, _enc, done) {
        bytes += chunk.length
        options.onProgress?.({ phase: 'download', bytes, totalBytes })
        done(null, chunk)
      },
    })
    let out: ReturnType<typeof createWriteStream>
    try {
      out = createWriteStream(partial)
      await new Promise<void>((ok, fail) => out.once('open', () => ok()).once('error', fail))
    } catch (cause) {
      throw new HyperdeltaError(
        'DOWNLOAD_WRITE_FAILED',
        `${layer}: cannot write ${partial}: ${(cause as Error).message}`,
        {
          cause,
          details: { path: partial },
        },
      )
    }
    try {
      await pipeline(body, count, out)
    } catch (cause) {
      await rm(partial, { force: true })
      throw cause // a broken connection: retried by the policy
    }
    if (totalBytes !== undefined && bytes !== totalBytes) {
      await rm(partial, { force: true })
      throw Object.assign(new Error(`body ended after ${bytes} of ${totalBytes} bytes`), { code: 'UND_ERR_SOCKET' })
    }
    await rename(partial, target)
    result = { path: target, filename, bytes }
  }
  await send(downloadContent({ id, revision, includeExtract: options.includeExtract, sink, signal: options.signal }))
  return result!
}

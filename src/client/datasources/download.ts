import { mkdir, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { Readable } from 'node:stream'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { HyperdeltaError } from '../../errors.js'
import type { Send } from '../transport/api-request.js'
import { commitFree, commitNamed, openPart, type PartFile, writeFailed } from './download-file.js'
import { type DownloadRename, dispositionName, serverFileName } from './download-name.js'
import { downloadContent } from './endpoints.js'
import type { DownloadDatasourceOptions, DownloadResult } from './types.js'

// Download Data Source / Download Data Source Revision: the body streams to a `.part` file beside the target and is
// moved into place once complete, so a failed or retried download never leaves a truncated file under the target
// name. Into a directory (an existing one, or a path ending in `/`, made when missing), the server's name is used,
// made safe, and never replaces an existing entry.

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory()
  } catch {
    return false
  }
}

/** The name used inside a directory when the server sends none (or nothing usable). */
const FALLBACK_NAME = 'datasource'

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
  const to = options.to
  // A path ending in a separator names a directory, as `cp` and `curl --output-dir` read it: made when missing.
  const namesDirectory = /[\\/]$/.test(to)
  if (namesDirectory) {
    try {
      await mkdir(to, { recursive: true })
    } catch (cause) {
      throw writeFailed(layer, to, cause)
    }
  }
  const intoDirectory = namesDirectory || (await isDirectory(to))
  let result: DownloadResult | undefined
  const sink = async (body: Readable, headers: Record<string, string | string[] | undefined>): Promise<void> => {
    const header = (name: string) => {
      const v = headers[name]
      return Array.isArray(v) ? v[0] : v
    }
    const sent = dispositionName(header('content-disposition'))
    const server = serverFileName(sent)
    const dir = intoDirectory ? to : dirname(to)
    const name = intoDirectory ? (server?.name ?? FALLBACK_NAME) : basename(to)
    const target = intoDirectory ? join(dir, name) : to
    let part: PartFile
    try {
      part = await openPart(dir, name)
    } catch (cause) {
      body.destroy()
      throw writeFailed(layer, target, cause)
    }
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
    try {
      await pipeline(body, count, part.out)
    } catch (cause) {
      await part.discard()
      // The file's own failure (disk full, too large, removed device) is not the network's: never retried.
      if (part.writeError() !== undefined) throw writeFailed(layer, target, part.writeError())
      throw cause // a broken connection: retried by the policy
    }
    if (totalBytes !== undefined && bytes !== totalBytes) {
      await part.discard()
      throw Object.assign(new Error(`body ended after ${bytes} of ${totalBytes} bytes`), { code: 'UND_ERR_SOCKET' })
    }
    const renamed: DownloadRename[] = intoDirectory && server ? [...server.renamed] : []
    let path: string
    try {
      if (intoDirectory) {
        const saved = await commitFree(part, dir, name)
        if (saved.taken) renamed.push('taken')
        path = saved.path
      } else path = await commitNamed(part, to)
    } catch (cause) {
      await part.discard()
      throw writeFailed(layer, target, cause)
    }
    result = { path, filename: sent, bytes, ...(renamed.length > 0 && { renamed }) }
  }
  await send(downloadContent({ id, revision, includeExtract: options.includeExtract, sink, signal: options.signal }))
  return result!
}

import { randomBytes } from 'node:crypto'
import { createWriteStream, type WriteStream } from 'node:fs'
import { link, open, rename, rm, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { HyperdeltaError } from '../../errors.js'
import { fitName, numberedName } from './download-name.js'

// Where a download's bytes go on disk: a `.part` file beside the target, created exclusively (it never replaces
// anything), moved into place once complete. A name the caller gave is replaced as documented; a name the server
// gave never replaces an existing entry. Every failure here is DOWNLOAD_WRITE_FAILED and removes the part file.

/** A download's file could not be written (not the network: never retried). */
export function writeFailed(layer: string, path: string, cause: unknown): HyperdeltaError<'DOWNLOAD_WRITE_FAILED'> {
  const reason = (cause as NodeJS.ErrnoException)?.code ?? (cause as Error)?.message ?? String(cause)
  return new HyperdeltaError('DOWNLOAD_WRITE_FAILED', `${layer}: cannot write ${path} (${reason})`, {
    cause,
    details: { path, reason },
  })
}

/** The part file being written: its stream, and the stream's own error if writing failed. */
export interface PartFile {
  readonly path: string
  readonly out: WriteStream
  /** The write side's error (disk full, file too large…), once one happened. */
  writeError(): unknown
  /** Removes the part file (after a failure). */
  discard(): Promise<void>
}

/** Opens `<name>.<random>.part` in `dir` exclusively, its name cut so the suffix fits the file system too. */
export async function openPart(dir: string, name: string): Promise<PartFile> {
  const suffix = `.${randomBytes(4).toString('hex')}.part`
  const path = join(dir, fitName(name, '', suffix))
  const out = createWriteStream(path, { flags: 'wx' })
  let failure: unknown
  out.on('error', (e) => {
    failure ??= e
  })
  await new Promise<void>((ok, fail) => {
    out.once('open', () => ok())
    out.once('error', fail)
  })
  return {
    path,
    out,
    writeError: () => failure,
    discard: () => rm(path, { force: true }),
  }
}

/** The part file moved to `target`, the path the caller named (an existing file there is replaced). */
export async function commitNamed(part: PartFile, target: string): Promise<string> {
  await rename(part.path, target)
  return target
}

/** Codes of a file system that has no hard links (FAT, some network shares). */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV'])

/** Most ` (n)` suffixes tried before the download gives up on finding a free name. */
const MAX_NUMBERED = 9999

/**
 * The part file moved to `name` in `dir`, or the first free `name (n).ext`: never replaces an existing file,
 * directory or link. A hard link claims the name atomically (fails if it exists); where links are not supported,
 * an exclusively created empty file claims it and the part is renamed over that claim.
 */
export async function commitFree(part: PartFile, dir: string, name: string): Promise<{ path: string; taken: boolean }> {
  let links = true
  for (let n = 0; n <= MAX_NUMBERED; n++) {
    const path = join(dir, n === 0 ? name : numberedName(name, n))
    try {
      if (links) {
        await link(part.path, path)
        await unlink(part.path)
      } else {
        await (await open(path, 'wx')).close()
        await rename(part.path, path).catch(async (e: unknown) => {
          await rm(path, { force: true })
          throw e
        })
      }
      return { path, taken: n > 0 }
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      if (code === 'EEXIST') continue
      if (links && code !== undefined && NO_LINKS.has(code)) {
        links = false
        n--
        continue
      }
      throw e
    }
  }
  throw Object.assign(new Error(`no free name like ${name} in ${dir}`), { code: 'EEXIST' })
}

import { open, rename, rm } from 'node:fs/promises'

/**
 * Writes `text` to `path` atomically and durably: a temp file beside it is written and fsynced, then renamed over
 * `path`. A crash leaves either the old or the new content, never a torn file. The one implementation behind the
 * push journal, the pipelines' watermarks and the emulator's catalog.
 *
 * @example
 * ```ts
 * import { writeFileAtomic } from 'hyperdelta'
 * await writeFileAtomic('.hyperdelta/state.json', JSON.stringify(state))
 * ```
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`
  try {
    const handle = await open(temp, 'w')
    try {
      await handle.writeFile(text)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temp, path)
  } catch (error) {
    await rm(temp, { force: true })
    throw error
  }
}

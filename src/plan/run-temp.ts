import { randomUUID } from 'node:crypto'
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { isAlive } from './journal-lock.js'

/** The prefix of a run's marked temp folder; the owner file inside says who made it. */
const PREFIX = 'hyperdelta-run-'
const OWNER = 'owner.json'

/** A run's temp folder: change files and engine spill live here, and go with `dispose()`. */
export interface RunTemp {
  readonly dir: string
  dispose(): Promise<void>
}

interface Owner {
  pid: number
  hostname: string
  since: string
}

async function ownerOf(dir: string): Promise<Owner | undefined> {
  try {
    const o = JSON.parse(await readFile(join(dir, OWNER), 'utf8')) as Partial<Owner>
    return typeof o.pid === 'number' && typeof o.hostname === 'string' ? (o as Owner) : undefined
  } catch {
    return undefined
  }
}

/**
 * Removes the marked temp folders under `base` left by runs that died (`kill -9`, power loss): those whose
 * owner is a process of this host that no longer exists. Folders of live runs, of other hosts, or
 * without a readable owner file are left alone. Returns the folders removed.
 */
export async function sweepStaleRunTemps(base: string): Promise<string[]> {
  let names: string[]
  try {
    names = (await readdir(base)).filter((n) => n.startsWith(PREFIX))
  } catch {
    return []
  }
  const removed: string[] = []
  for (const name of names) {
    const dir = join(base, name)
    const owner = await ownerOf(dir)
    if (!owner || owner.hostname !== hostname() || owner.pid === process.pid || isAlive(owner.pid)) continue
    await rm(dir, { recursive: true, force: true })
    removed.push(dir)
  }
  return removed
}

/**
 * A new marked temp folder for one run under `base` (default: the OS temp dir), after sweeping the
 * stale ones there: a run killed before cleaning up leaves nothing behind once the next run starts.
 */
export async function openRunTemp(base: string = tmpdir()): Promise<RunTemp> {
  await mkdir(base, { recursive: true })
  await sweepStaleRunTemps(base)
  const dir = join(base, `${PREFIX}${process.pid}-${randomUUID().slice(0, 8)}`)
  await mkdir(dir)
  const owner: Owner = { pid: process.pid, hostname: hostname(), since: new Date().toISOString() }
  await writeFile(join(dir, OWNER), `${JSON.stringify(owner)}\n`)
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) }
}

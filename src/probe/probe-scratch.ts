import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { isHyperdeltaError } from '../errors.js'
import type { ProbeClient } from './probe-context.js'
import { failureEvidence, throwIfAborted } from './probe-steps.js'

// The probe's scratch data sources. Each is named, and recorded, before its publish is sent: a publish whose answer
// never arrives (Ctrl-C, a dropped connection, a failure after the server acted) may still have created it, so it is
// looked up by that name and deleted. One that cannot be deleted, or may yet appear, is named for the operator.

/** A scratch data source: its name (known before the publish is sent), its id once known, and what became of it. */
export interface ScratchDatasource {
  name: string
  /** Undefined when the publish's answer never arrived (and no data source of the name was found). */
  id?: string
  deleted: boolean
  /** Why it was not deleted: remove it by hand (or check that no data source of `name` exists). */
  error?: string
}

/** Lookups by name after an interrupted publish: the server may still be finishing it. */
const LOOKUPS = 3
const LOOKUP_GAP_MS = 500

export class ScratchDatasources {
  readonly all: ScratchDatasource[] = []
  readonly #client: ProbeClient
  readonly #projectId: string | undefined
  readonly #onNamed: ((s: ScratchDatasource) => void) | undefined

  constructor(client: ProbeClient, projectId: string | undefined, onNamed?: (s: ScratchDatasource) => void) {
    this.#client = client
    this.#projectId = projectId
    this.#onNamed = onNamed
  }

  /** Publishes `file` under a fresh scratch name, recorded (and announced) before the request is sent. */
  async publish(file: string, stamp: string, signal: AbortSignal | undefined): Promise<string> {
    throwIfAborted({ signal })
    const entry: ScratchDatasource = { name: `hyperdelta-probe-${stamp}-${randomUUID().slice(0, 8)}`, deleted: false }
    this.all.push(entry)
    this.#onNamed?.(entry)
    const ds = await this.#client.datasources.publish({
      file,
      name: entry.name,
      ...(this.#projectId !== undefined && { projectId: this.#projectId }),
      ...(signal && { signal }),
    })
    entry.id = ds.id
    return ds.id
  }

  /** Deletes every scratch data source (found by name where the publish's answer never came); never throws. */
  async deleteAll(): Promise<void> {
    for (const s of this.all) {
      try {
        const id = s.id ?? (await this.#find(s.name))
        if (id === undefined) {
          s.error =
            'its publish was interrupted and no data source of this name was found: if one appears, delete it by hand'
          continue
        }
        s.id = id
        await this.#client.datasources.delete(id)
        s.deleted = true
      } catch (e) {
        s.error = failureEvidence(e)
      }
    }
  }

  async #find(name: string): Promise<string | undefined> {
    for (let i = 0; i < LOOKUPS; i++) {
      if (i > 0) await sleep(LOOKUP_GAP_MS)
      try {
        const project = this.#projectId
        return (await this.#client.findDatasource(project === undefined ? { name } : { name, project })).id
      } catch (e) {
        if (!isHyperdeltaError(e, 'DATASOURCE_NOT_FOUND')) throw e
      }
    }
    return undefined
  }
}

import { HyperdeltaError } from '../../errors.js'
import type { Send } from '../transport/api-request.js'
import { listProjects } from './endpoints.js'

// Projects, only as far as publishing needs them: a project's LUID from its name.

/** The LUID of the project named `name`; `PROJECT_NOT_FOUND` when there is none. */
export async function findProjectId(send: Send, name: string): Promise<string> {
  const found = ((await send(listProjects(name))).projects ?? []).filter((p) => p.name === name)
  if (found[0]) return found[0].id
  throw new HyperdeltaError('CONFIG_INVALID', `project: no project named "${name}" on this site`, {
    details: { field: 'project', value: name },
  })
}

import { z } from 'zod'
import { HyperdeltaError } from '../../errors.js'
import type { ApiRequest, Send } from '../transport/api-request.js'
import { apiPath } from '../transport/request-path.js'
import { collection } from '../transport/responses.js'

// Projects, only as far as publishing needs them: a project's LUID from its name.

const projectsResponseSchema = z.object({
  projects: collection('project', z.object({ id: z.string(), name: z.string() }).loose()).optional(),
})

/** `GET …/projects?filter=name:eq:{name}` */
export function listProjects(name: string): ApiRequest<typeof projectsResponseSchema> {
  return {
    label: 'project',
    method: 'GET',
    path: apiPath`/projects?filter=${`name:eq:${name}`}&pageSize=1000`,
    expect: [200],
    schema: projectsResponseSchema,
  }
}

/** The LUID of the project named `name`; `PROJECT_NOT_FOUND` when there is none. */
export async function findProjectId(send: Send, name: string): Promise<string> {
  const found = ((await send(listProjects(name))).projects ?? []).filter((p) => p.name === name)
  if (found[0]) return found[0].id
  throw new HyperdeltaError('CONFIG_INVALID', `project: no project named "${name}" on this site`, {
    details: { field: 'project', value: name },
  })
}

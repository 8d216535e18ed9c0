import { z } from 'zod'
import type { ApiRequest } from '../transport/api-request.js'
import { endpoint } from '../transport/endpoint.js'
import { collection } from '../transport/responses.js'

// Endpoints of the site's directory (users, groups, projects), only as far as the client needs them: projects by name.

const projectsResponseSchema = z.object({
  projects: collection('project', z.object({ id: z.string(), name: z.string() }).loose()).optional(),
})

/** `GET …/projects?filter=name:eq:{name}` */
export function listProjects(name: string): ApiRequest<typeof projectsResponseSchema> {
  return {
    label: 'project',
    ...endpoint('queryProjects', {}, { query: new URLSearchParams({ filter: `name:eq:${name}`, pageSize: '1000' }) }),
    expect: [200],
    schema: projectsResponseSchema,
  }
}

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ENDPOINT_NAMES } from '../../../src/protocol/endpoints.js'
import { repoFiles, root } from './repo-files.js'

// The client takes every request's method, scope and path from the protocol catalogue: each endpoint is described
// by exactly one client description (`endpoint('name', …)` in a resource folder), and no resource folder spells a
// path of its own.

/** Catalogue endpoints the client never calls, and why (the emulator serves them to other clients). */
const NOT_CALLED_BY_THE_CLIENT: Readonly<Record<string, string>> = {
  queryUsers: 'served by the emulator to other clients (the Python client); hyperdelta takes grantee ids as given',
  queryGroups: 'served by the emulator to other clients (the Python client); hyperdelta takes grantee ids as given',
}

const TRANSPORT = 'src/client/transport/'
const clientFiles = repoFiles('src/client')
const resourceFiles = clientFiles.filter((file) => !file.startsWith(TRANSPORT) && file.split('/').length > 3)

/**
 * How many times each endpoint name is the first argument of `endpoint(` or `endpointPath(` in `files`, or the
 * `endpoint:` of a resource's own request helper (the virtual connections' `request({ endpoint: 'name', … })`).
 */
function uses(files: readonly string[]): Map<string, string[]> {
  const found = new Map<string, string[]>()
  for (const file of files) {
    // Comment lines left out: a doc comment's example is not a description.
    const text = readFileSync(join(root, file), 'utf8').replace(/^\s*(?:\/\/|\/\*\*|\*).*$/gm, '')
    for (const m of text.matchAll(/\bendpoint(?:(?:Path)?\(\s*|:\s*)'([A-Za-z]+)'/g)) {
      found.set(m[1]!, [...(found.get(m[1]!) ?? []), file])
    }
  }
  return found
}

describe('client requests come from the protocol catalogue', () => {
  const found = uses(clientFiles)

  it('every catalogue endpoint is described by exactly one client description', () => {
    const wrong = ENDPOINT_NAMES.flatMap((name) => {
      const expected = name in NOT_CALLED_BY_THE_CLIENT ? 0 : 1
      const at = found.get(name) ?? []
      return at.length === expected
        ? []
        : [`${name}: ${at.length} descriptions (${at.join(', ')}), expected ${expected}`]
    })
    expect(wrong).toEqual([])
  })

  it('every endpoint a description names is in the catalogue', () => {
    expect([...found.keys()].filter((name) => !(ENDPOINT_NAMES as string[]).includes(name))).toEqual([])
    expect(
      Object.keys(NOT_CALLED_BY_THE_CLIENT).filter((name) => !(ENDPOINT_NAMES as string[]).includes(name)),
    ).toEqual([])
  })

  it('descriptions live in the resource folders, not in the facade or the transport', () => {
    const outside = [...found.values()].flat().filter((file) => !resourceFiles.includes(file))
    expect(outside).toEqual([])
  })

  it('no resource folder spells a path: no apiPath template, no server-rooted scope', () => {
    expect(resourceFiles.length).toBeGreaterThan(20)
    const spelled = resourceFiles.filter((file) =>
      /\bapiPath`|scope: 'server'/.test(readFileSync(join(root, file), 'utf8')),
    )
    expect(spelled).toEqual([])
  })

  it('the scan sees a description written over several lines, and an apiPath template', () => {
    const probe = "return { ...endpoint(\n  'queryJob', { job }) }\nconst p = apiPath`/jobs`"
    expect([...probe.matchAll(/\bendpoint(?:(?:Path)?\(\s*|:\s*)'([A-Za-z]+)'/g)].map((m) => m[1])).toEqual([
      'queryJob',
    ])
    expect(/\bapiPath`/.test(probe)).toBe(true)
  })
})

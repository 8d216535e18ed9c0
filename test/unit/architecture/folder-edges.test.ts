import { describe, expect, it } from 'vitest'
import { localImports, repoFiles } from './repo-files.js'

// Folders are layers: if a file of folder A imports folder B, nothing in B (or in what B imports) imports A back.
// A cycle between files is caught by import-graph.test.ts; this catches the looser tangle of two folders that lean
// on each other through different files, which makes neither of them readable alone.

/** The entries re-export their folders by design; they sit above them and are left out of the graph. */
const ENTRIES = new Set([
  'src/index.ts',
  'src/wire.ts',
  'src/format.ts',
  'src/internal.ts',
  'src/emulator/index.ts',
  'src/testing/index.ts',
  'pipelines/index.ts',
])

/** Folders whose subfolders are layers of their own (one folder per resource on both sides of the protocol). */
const LAYERED = new Set(['client', 'emulator'])

/**
 * The emulator's shared layers, bottom up, with the layers each may import. Every other emulator folder is one
 * resource (datasources, jobs, virtual-connections, the console…): it may import these layers and nothing else of the
 * emulator, so a request's path reads in one resource folder plus the layers under it. The top level (index,
 * start-emulator, listener) only composes.
 */
const EMULATOR_LAYERS: Readonly<Record<string, readonly string[]>> = {
  'src/emulator/http': [],
  'src/emulator/store': [],
  'src/emulator/core': ['src/emulator/http'],
  'src/emulator/runtime': ['src/emulator/http', 'src/emulator/core', 'src/emulator/store'],
}

/** Emulator folder edges that break the layering above. */
function emulatorLayerBreaks(edges: ReadonlyMap<string, string>): string[] {
  const found: string[] = []
  for (const [edge, example] of edges) {
    const [from, to] = edge.split(' → ') as [string, string]
    if (!from.startsWith('src/emulator/') || !to.startsWith('src/emulator')) continue
    const allowed = EMULATOR_LAYERS[from] ?? Object.keys(EMULATOR_LAYERS)
    if (!allowed.includes(to)) found.push(`${edge} (e.g. ${example})`)
  }
  return found.sort()
}

/** Folder edges between the client's side and the emulator's side of the protocol, either way. */
function crossSideEdges(edges: ReadonlyMap<string, string>): string[] {
  const side = (folder: string): string | undefined =>
    folder === 'src/client' || folder.startsWith('src/client/')
      ? 'client'
      : folder === 'src/emulator' || folder.startsWith('src/emulator/')
        ? 'emulator'
        : undefined
  return [...edges]
    .filter(([edge]) => {
      const [from, to] = edge.split(' → ').map(side)
      return from !== undefined && to !== undefined && from !== to
    })
    .map(([edge, example]) => `${edge} (e.g. ${example})`)
}

/** The folder a file belongs to: `src` for the top-level modules, `src/<top>`, and the subfolders of LAYERED ones. */
function folderOf(file: string): string {
  const parts = file.split('/')
  if (parts.length === 2) return parts[0]!
  if (parts[0] === 'src' && LAYERED.has(parts[1]!) && parts.length > 3) return parts.slice(0, 3).join('/')
  return parts.slice(0, 2).join('/')
}

/** Folder edges `from → to` of a file-level import map, with one importing file each (for the message). */
function folderEdges(imports: ReadonlyMap<string, readonly string[]>): Map<string, string> {
  const edges = new Map<string, string>()
  for (const [file, targets] of imports) {
    if (ENTRIES.has(file)) continue
    for (const target of targets) {
      if (ENTRIES.has(target) || !imports.has(target)) continue
      const from = folderOf(file)
      const to = folderOf(target)
      if (from !== to && !edges.has(`${from} → ${to}`)) edges.set(`${from} → ${to}`, `${file} → ${target}`)
    }
  }
  return edges
}

/** Edges `A → B` where B reaches A back. */
function backEdges(edges: ReadonlyMap<string, string>): string[] {
  const next = new Map<string, string[]>()
  for (const edge of edges.keys()) {
    const [from, to] = edge.split(' → ') as [string, string]
    next.set(from, [...(next.get(from) ?? []), to])
  }
  const reaches = (start: string, goal: string): boolean => {
    const seen = new Set<string>()
    const stack = [start]
    while (stack.length > 0) {
      const folder = stack.pop()!
      if (folder === goal) return true
      if (seen.has(folder)) continue
      seen.add(folder)
      stack.push(...(next.get(folder) ?? []))
    }
    return false
  }
  const found: string[] = []
  for (const [from, tos] of next) {
    for (const to of tos) if (reaches(to, from)) found.push(`${from} → ${to} (e.g. ${edges.get(`${from} → ${to}`)})`)
  }
  return found.sort()
}

const files = [...repoFiles('src'), ...repoFiles('pipelines')]
const imports = new Map(files.map((file) => [file, localImports(file)]))

describe('folder edges', () => {
  it('no two folders import each other, directly or around a loop', () => {
    expect(backEdges(folderEdges(imports))).toEqual([])
  })

  it('the top-level modules (errors, the catalog, logger…) import only each other and import-free folders', () => {
    const edges = folderEdges(imports)
    const leaves = new Set([...edges.keys()].map((edge) => edge.split(' → ')[1]!))
    for (const edge of edges.keys()) leaves.delete(edge.split(' → ')[0]!)
    expect(leaves).toContain('src/model')
    const upward = [...edges].filter(([edge]) => edge.startsWith('src → ') && !leaves.has(edge.slice('src → '.length)))
    expect(upward.map(([edge, example]) => `${edge} (e.g. ${example})`)).toEqual([])
  })

  it("the emulator's resource folders import only its shared layers (http, store, core, runtime), bottom up", () => {
    const edges = folderEdges(imports)
    expect([...edges.keys()]).toContain('src/emulator/datasources → src/emulator/runtime')
    expect(emulatorLayerBreaks(edges)).toEqual([])
  })

  it("the client's and the emulator's folders never import each other (only through the public entries)", () => {
    expect(crossSideEdges(folderEdges(imports))).toEqual([])
  })

  it('the layer checks catch a resource leaning on another, a layer leaning up, and a side reaching across', () => {
    const tangle = new Map([
      ['src/emulator/directory/a.ts', ['src/emulator/virtual-connections/b.ts', 'src/emulator/runtime/c.ts']],
      ['src/emulator/virtual-connections/b.ts', []],
      ['src/emulator/runtime/c.ts', ['src/emulator/jobs/d.ts']],
      ['src/emulator/jobs/d.ts', ['src/client/datasources/e.ts']],
      ['src/client/datasources/e.ts', []],
      ['src/emulator/listener.ts', ['src/emulator/jobs/d.ts']],
    ])
    expect(emulatorLayerBreaks(folderEdges(tangle))).toEqual([
      'src/emulator/directory → src/emulator/virtual-connections (e.g. src/emulator/directory/a.ts → src/emulator/virtual-connections/b.ts)',
      'src/emulator/runtime → src/emulator/jobs (e.g. src/emulator/runtime/c.ts → src/emulator/jobs/d.ts)',
    ])
    expect(crossSideEdges(folderEdges(tangle))).toEqual([
      'src/emulator/jobs → src/client/datasources (e.g. src/emulator/jobs/d.ts → src/client/datasources/e.ts)',
    ])
  })

  it('the check catches a loop: two folders leaning on each other, and three around a ring', () => {
    const pair = new Map([
      ['src/schema/a.ts', ['src/payload/b.ts']],
      ['src/payload/b.ts', []],
      ['src/payload/c.ts', ['src/schema/d.ts']],
      ['src/schema/d.ts', []],
    ])
    expect(backEdges(folderEdges(pair))).toHaveLength(2)
    const ring = new Map([
      ['src/error-catalog.ts', ['src/plan/a.ts']],
      ['src/plan/a.ts', ['src/client/b.ts']],
      ['src/client/b.ts', ['src/errors.ts']],
      ['src/errors.ts', []],
      ['src/index.ts', ['src/plan/a.ts']],
    ])
    expect(backEdges(folderEdges(ring))).toHaveLength(3)
    expect(folderOf('src/client/datasources/x.ts')).toBe('src/client/datasources')
    expect(folderOf('src/emulator/http/x.ts')).toBe('src/emulator/http')
    expect(folderOf('src/emulator/listener.ts')).toBe('src/emulator')
  })
})

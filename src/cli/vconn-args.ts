import { readFile } from 'node:fs/promises'
import {
  type CapabilityMode,
  type GranteeCapabilities,
  HyperdeltaError,
  type VirtualConnectionCapability,
  type VirtualConnectionFormat,
  writeFileAtomic,
} from '../index.js'
import { VIRTUAL_CONNECTION_CAPABILITIES } from '../wire.js'

// Parsing helpers of `hyperdelta vconn`: formats, grants, content files. Mistakes are USAGE (exit 2) or INPUT_* (3).

export function formatFlag(value: string | undefined): VirtualConnectionFormat {
  if (value === undefined || value === 'xml' || value === 'json') return value ?? 'xml'
  throw new HyperdeltaError('USAGE', `--format ${value}: use xml or json`)
}

export function booleanFlag(flag: string, value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined
  if (value === 'true' || value === 'false') return value === 'true'
  throw new HyperdeltaError('USAGE', `--${flag} ${value}: use true or false`)
}

/** `user:<id>:<Capability>:<Allow|Deny>` or `group:…` (capability and mode case-insensitive). */
export function parseGrant(flag: string, spec: string): GranteeCapabilities {
  const [type, id, capability, mode, ...extra] = spec.split(':')
  const cap = VIRTUAL_CONNECTION_CAPABILITIES.find((c) => c.toLowerCase() === capability?.toLowerCase())
  const m = mode?.toLowerCase() === 'allow' ? 'Allow' : mode?.toLowerCase() === 'deny' ? 'Deny' : undefined
  if ((type !== 'user' && type !== 'group') || !id || !cap || !m || extra.length > 0) {
    throw new HyperdeltaError(
      'USAGE',
      `--${flag} ${spec}: expected user|group:<luid>:<${VIRTUAL_CONNECTION_CAPABILITIES.join('|')}>:<Allow|Deny>`,
    )
  }
  return { grantee: { type, id }, capabilities: { [cap]: m } as Record<VirtualConnectionCapability, CapabilityMode> }
}

/** Grants with the same grantee merged into one set (one granteeCapabilities per grantee). */
export function mergeGrants(grants: readonly GranteeCapabilities[]): GranteeCapabilities[] {
  const out = new Map<string, GranteeCapabilities>()
  for (const g of grants) {
    const key = `${g.grantee.type}:${g.grantee.id}`
    const prev = out.get(key)
    out.set(key, { grantee: g.grantee, capabilities: { ...prev?.capabilities, ...g.capabilities } })
  }
  return [...out.values()]
}

/** The content file, read exactly (no trimming, no newline handling). */
export async function readContent(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (e) {
    throw new HyperdeltaError(
      'INPUT_FILE_UNREADABLE',
      `${path}: cannot read the content file (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      {
        details: { file: path },
      },
    )
  }
}

export async function writeContent(path: string, content: string): Promise<void> {
  try {
    // Atomic: a failed write (disk full, a directory in the way) leaves the old file, or none, and no temp file.
    await writeFileAtomic(path, content)
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? 'error'
    throw new HyperdeltaError('DOWNLOAD_WRITE_FAILED', `${path}: cannot write the content file (${reason})`, {
      cause: e,
      details: { path, reason },
    })
  }
}

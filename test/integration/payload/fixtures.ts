import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bool, date, float64, int32, int64, text, timestamp } from '../../../src/index.js'

/** A fresh temp dir and its cleanup. */
export async function tempDir(): Promise<{ dir: string; [Symbol.asyncDispose](): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'hyperdelta-payload-test-'))
  return { dir, [Symbol.asyncDispose]: () => rm(dir, { recursive: true, force: true }) }
}

export async function filesIn(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort()
}

/** Deterministic PRNG (mulberry32), so failures reproduce. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** One column of every kind, nullable except the key: the round-trip tables start from these. */
export const everyKind = {
  id: int64(),
  n64: int64({ nullable: true }),
  i32: int32({ nullable: true }),
  f: float64({ nullable: true }),
  s: text({ nullable: true }),
  b: bool({ nullable: true }),
  d: date({ nullable: true }),
  ts: timestamp({ nullable: true }),
}

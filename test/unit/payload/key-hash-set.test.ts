import { describe, expect, it } from 'vitest'
import { KeyHasher } from '../../../src/payload/key-hash.js'
import { KeyHashSet } from '../../../src/payload/key-hash-set.js'

describe('KeyHashSet', () => {
  it('adds and finds 64-bit hashes across growth, including (0, 0)', () => {
    const set = new KeyHashSet()
    expect(set.add(0, 0)).toBe(true)
    expect(set.add(0, 0)).toBe(false)
    expect(set.has(0, 1)).toBe(true) // (0, 0) is stored as (0, 1): a documented, verified collision
    for (let i = 1; i <= 200_000; i++) expect(set.add(i * 2654435761, i)).toBe(true)
    for (let i = 1; i <= 200_000; i++) expect(set.add(i * 2654435761, i)).toBe(false)
    expect(set.has(12345, 999_999)).toBe(false)
    expect(set.size).toBe(200_001)
    // ~8 bytes / load factor per key.
    expect(set.bytes / set.size).toBeLessThan(24)
  })
})

describe('KeyHasher', () => {
  const hash = (values: (bigint | number | string | boolean | null)[]) => {
    const h = new KeyHasher()
    h.reset()
    for (const v of values) h.push(v)
    h.digest()
    return `${h.hi}:${h.lo}`
  }
  it('hashes equal tuples equally and typed/positioned values differently', () => {
    expect(hash([1n, 'a'])).toBe(hash([1n, 'a']))
    expect(hash([0])).toBe(hash([-0]))
    expect(
      new Set([hash([1n]), hash([1]), hash(['1']), hash([true]), hash([null]), hash(['a', 'b']), hash(['ab', ''])])
        .size,
    ).toBe(7)
  })
})

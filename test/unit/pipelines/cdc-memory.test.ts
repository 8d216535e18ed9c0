import { describe, expect, it } from 'vitest'
import { DUCKDB_MEMORY_SHARE, duckdbMemoryLimit, parseMemorySize } from '../../../pipelines/index.js'

describe('CDC memory budget', () => {
  it('reads sizes as DuckDB does: KB/MB/GB in powers of 1000, KiB/MiB/GiB in powers of 1024', () => {
    expect(parseMemorySize('1GB')).toBe(1e9)
    expect(parseMemorySize('512 MB')).toBe(512e6)
    expect(parseMemorySize('1.5GiB')).toBe(1.5 * 2 ** 30)
    expect(parseMemorySize('64mib')).toBe(64 * 2 ** 20)
    expect(parseMemorySize('4096')).toBe(4096)
    for (const bad of ['plenty', '', '0GB', '-1GB', '1 GBs', '1e3MB', 'toString'])
      expect(parseMemorySize(bad)).toBe(undefined)
  })

  it("gives DuckDB's memory_limit its share of the budget, and refuses a budget that is not a size", () => {
    expect(DUCKDB_MEMORY_SHARE).toBeGreaterThan(0)
    expect(DUCKDB_MEMORY_SHARE).toBeLessThan(1)
    expect(duckdbMemoryLimit('2GiB')).toBe(`${Math.floor(2 * 2 ** 20 * DUCKDB_MEMORY_SHARE)}KiB`)
    expect(duckdbMemoryLimit()).toBe(duckdbMemoryLimit('1GB'))
    expect(() => duckdbMemoryLimit('plenty')).toThrow(expect.objectContaining({ code: 'CDC_INVALID' }))
    expect(() => duckdbMemoryLimit('plenty')).toThrow(/memoryLimit "plenty" is not a size/)
  })
})

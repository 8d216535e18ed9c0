import { readFileSync } from 'node:fs'

/**
 * This process's peak resident memory, in bytes. Not `process.resourceUsage().maxRSS` alone: on Linux
 * a spawned child starts with the high-water mark of the parent it was forked from, so a small child of
 * a large bench process reported the parent's size. VmHWM belongs to the process's own memory map,
 * which exec replaces; maxRSS is the fallback where /proc is missing.
 */
export function peakRssBytes(): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))
    if (match) return Number(match[1]) * 1024
  } catch {
    // no /proc: below
  }
  return process.resourceUsage().maxRSS * 1024
}

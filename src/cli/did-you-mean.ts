/** Edit distance (insertions, deletions, substitutions, adjacent swaps) between two short words. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)])
  for (let j = 1; j <= b.length; j += 1) d[0]![j] = j
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1)
      d[i]![j] = best
    }
  }
  return d[a.length]![b.length]!
}

/** ` (did you mean "x"?)` for the candidate closest to a misspelt `word`, or '' when none is close. */
export function didYouMean(word: string, candidates: Iterable<string>, quote = (c: string) => `"${c}"`): string {
  let best: { candidate: string; d: number } | undefined
  for (const candidate of new Set(candidates)) {
    const d = distance(word, candidate)
    if (d <= Math.max(1, Math.floor(candidate.length / 3)) && (!best || d < best.d)) best = { candidate, d }
  }
  return best ? ` (did you mean ${quote(best.candidate)}?)` : ''
}

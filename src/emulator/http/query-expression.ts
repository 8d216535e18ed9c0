// The REST list parameters (`filter`, `sort`, `fields`) are comma-separated expressions whose values may be
// bracketed lists (`name:in:[a,b]`): the split every list resource uses.

/** Splits on commas outside `[…]`. */
export function splitTop(expr: string): string[] {
  const out: string[] = []
  let depth = 0
  let start = 0
  for (let i = 0; i < expr.length; i++) {
    if (expr[i] === '[') depth++
    else if (expr[i] === ']') depth--
    else if (expr[i] === ',' && depth === 0) {
      out.push(expr.slice(start, i))
      start = i + 1
    }
  }
  out.push(expr.slice(start))
  return out.filter((s) => s !== '')
}

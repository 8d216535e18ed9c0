/**
 * Exact decimals: a `decimal(p, s)` value is held as its unscaled integer (value × 10^s) in a bigint,
 * so nothing is ever rounded on the way from a string, a bigint or a Parquet DECIMAL to a change file.
 */

const DECIMAL_TEXT = /^([+-]?)(\d+)(?:\.(\d*))?$|^([+-]?)\.(\d+)$/

/** 10^n as a bigint. */
export const pow10 = (n: number): bigint => 10n ** BigInt(n)

/**
 * The unscaled integer of a decimal string for `scale`, or a reason. Fractional digits past the
 * scale are accepted only when they are zeros (no rounding); exponents are refused (`1e3` is a float
 * spelling, not a decimal).
 */
export function parseDecimalText(text: string, scale: number): bigint | string {
  const m = DECIMAL_TEXT.exec(text.trim() === text ? text : '')
  if (!m) return 'is not a decimal number (digits, an optional sign and point, no exponent)'
  const sign = m[1] ?? m[4] ?? ''
  const whole = m[2] ?? '0'
  const fraction = m[3] ?? m[5] ?? ''
  if (fraction.length > scale && /[1-9]/.test(fraction.slice(scale))) {
    return `has ${fraction.replace(/0+$/, '').length} digit(s) after the point, more than the scale ${scale} (hyperdelta does not round)`
  }
  const unscaled = BigInt(whole + fraction.slice(0, scale).padEnd(scale, '0'))
  return sign === '-' ? -unscaled : unscaled
}

/** Whether an unscaled value has at most `precision` digits. */
export function fitsPrecision(unscaled: bigint, precision: number): boolean {
  const limit = pow10(precision)
  return unscaled < limit && unscaled > -limit
}

/** The decimal text of an unscaled value: `formatDecimal(-1250n, 2)` is `-12.50`. */
export function formatDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0')
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`
  return negative ? `-${text}` : text
}

/**
 * An unscaled value of scale `from` at scale `to`, exactly, or undefined when digits would be lost
 * (a lower scale keeps only values whose dropped digits are zeros).
 */
export function rescale(unscaled: bigint, from: number, to: number): bigint | undefined {
  if (to >= from) return unscaled * pow10(to - from)
  const factor = pow10(from - to)
  return unscaled % factor === 0n ? unscaled / factor : undefined
}

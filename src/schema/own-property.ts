/**
 * Sets `obj[key] = value` as an own, enumerable data property. Plain assignment with a column name
 * taken from data is unsafe: `obj['__proto__'] = v` changes the prototype instead of adding a key.
 */
export function setOwn<T extends object>(obj: T, key: string, value: unknown): T {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true })
  return obj
}

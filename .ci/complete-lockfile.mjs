// Run after `npm install` on this machine: `node .ci/complete-lockfile.mjs`.
//
// Why: the registry mirror this project is developed against carries only some platform builds of
// @biomejs/cli-* and @duckdb/node-bindings-*, so npm writes a lock file without entries for the others,
// and `npm ci` then refuses the lock ("Missing: … from lock file"). This adds each missing optional
// platform package with its os/cpu/libc, so `npm ci` skips it on other platforms and installs it
// (from the real registry) where it matches. Nothing is downloaded by this script.
import { readFileSync, writeFileSync } from 'node:fs'

const path = new URL('../package-lock.json', import.meta.url)
const lock = JSON.parse(readFileSync(path, 'utf8'))
const parents = ['node_modules/@biomejs/biome', 'node_modules/@duckdb/node-bindings']
const added = []
for (const parent of parents) {
  const entry = lock.packages[parent]
  if (!entry) continue
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`
    if (lock.packages[key]) continue
    const m = /-(android|darwin|linux|win32)-(arm64|x64)(-musl)?$/.exec(name)
    if (!m) throw new Error(`cannot tell the platform of ${name}`)
    const [, os, cpu, musl] = m
    lock.packages[key] = {
      version: range.replace(/^[\^~=]/, ''),
      cpu: [cpu],
      dev: true,
      ...(os === 'linux' && { libc: [musl ? 'musl' : 'glibc'] }),
      license: entry.license ?? 'MIT',
      optional: true,
      os: [os],
    }
    added.push(key)
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)))
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`)
console.log(added.length ? `added ${added.length} platform entries:\n  ${added.join('\n  ')}` : 'lock file already complete')

import { rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { availableParallelism } from 'node:os'
import { dirname, join } from 'node:path'
import { defineConfig } from 'vitest/config'
import { LongFilesFirst } from './test/helpers/long-files-first.js'

// Vitest's type check runs `tsc --incremental` with its build info inside vitest/dist. With the native
// TypeScript 7 compiler that file went stale after files moved and reported errors that did not exist,
// so every run starts from a clean slate (the type check is small; `npm test` also runs a full tsc first).
rmSync(
  join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'dist', 'tsconfig.tmp.tsbuildinfo'),
  {
    force: true,
  },
)

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A private OS temp dir per run; the run fails when a test leaves anything in it.
    globalSetup: ['test/helpers/private-tmpdir.ts'],
    typecheck: { enabled: true, include: ['test/types/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    // Most integration files wait on child processes and loopback HTTP rather than the CPU, so a 2-core
    // machine runs three files at a time (vitest's default would be one there).
    maxWorkers: Math.max(3, availableParallelism() - 1),
    // Files share their worker's module cache: importing the library, DuckDB and the emulator once per worker
    // rather than once per file roughly halves the run's CPU. The price: a file that mocks a module loads what it
    // tests after `vi.resetModules()` and removes the mock when done (test/unit/client/download-file.test.ts), and
    // a file that changes process state (env, cwd) restores it.
    isolate: false,
    sequence: { sequencer: LongFilesFirst },
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
})

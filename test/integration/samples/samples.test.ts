import { execFile } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { childEnv, repoRoot } from '../../helpers/spawn-cli.js'

// The samples are what users copy into an app: they import `hyperdelta` by its name (tsconfig paths map it to this
// checkout's sources) and each runs offline against an emulator of its own. The two small ones run here; the nightly
// CDC sample (`npm start`) does what the pipelines' integration tests check, at greater length.
function runSample(file: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', file],
      { cwd: repoRoot, env: childEnv(), timeout: 120_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, output: stdout + stderr })
      },
    )
  })
}

describe('samples', () => {
  it('quickstart.ts pushes, waits and prints the table', async () => {
    const { code, output } = await runSample('samples/quickstart.ts')
    expect(code, output).toBe(0)
    expect(output).toContain('Initech')
  }, 120_000)

  it('virtual-connections.ts runs its calls against the emulator', async () => {
    const { code, output } = await runSample('samples/virtual-connections.ts')
    expect(code, output).toBe(0)
  }, 120_000)
})

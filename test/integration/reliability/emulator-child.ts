// An emulator in its own process, for the crash-safety test: it serves DATA_DIR on PORT and, when
// CRASH_AT names a job phase, SIGKILLs itself the first time a job reaches it (no cleanup runs).
import { type JobPhase, startEmulator } from '../../../src/emulator/index.js'
import { PASSWORD, PAT } from './helpers.js'

const emu = await startEmulator({
  port: Number(process.env.PORT ?? 0),
  dataDir: process.env.DATA_DIR!,
  jobDelayMs: 5,
  users: [{ name: 'admin', password: PASSWORD.password, pat: PAT }],
})
const crashAt = process.env.CRASH_AT as JobPhase | undefined
if (crashAt) emu.faults.atJobPhase(crashAt, () => process.kill(process.pid, 'SIGKILL'), { times: 1 })
process.on('SIGTERM', () => void emu.close().then(() => process.exit(0)))
process.stdout.write(`${JSON.stringify({ url: emu.url })}\n`)

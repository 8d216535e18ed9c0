// By hand: an emulator for test/manual/tsc-virtual-connections.py (users admin/pw and bob/pw, group Analysts).
// REAL_SERVER_VARIANTS=username|connectionId answers in those real-server shapes (personality realServerVariants).
import { type ServerPersonality, startEmulator } from '../../src/emulator/index.js'

const variants = process.env['REAL_SERVER_VARIANTS']
const personality: ServerPersonality =
  variants === 'username' || variants === 'connectionId' ? { realServerVariants: variants } : {}

const emu = await startEmulator({
  port: Number(process.env['PORT'] ?? 8791),
  users: [
    { name: 'admin', password: 'pw' },
    { name: 'bob', password: 'pw' },
  ],
  groups: [{ name: 'Analysts', members: ['bob'] }],
  personality,
})
console.log(emu.url)
process.once('SIGINT', () => void emu.close())

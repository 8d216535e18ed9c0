// By hand: an emulator for test/manual/tsc-virtual-connections.py (users admin/pw and bob/pw, group Analysts).
import { startEmulator } from '../../src/emulator/index.js'

const emu = await startEmulator({
  port: Number(process.env['PORT'] ?? 8791),
  users: [
    { name: 'admin', password: 'pw' },
    { name: 'bob', password: 'pw' },
  ],
  groups: [{ name: 'Analysts', members: ['bob'] }],
})
console.log(emu.url)
process.once('SIGINT', () => void emu.close())

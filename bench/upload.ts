/**
 * Upload throughput: MB/s of TableauClient.uploadFile (64 MiB multipart/mixed parts) into the emulator vs
 * Debian's curl PUTting the very same multipart bodies to the same append endpoint, one session each.
 * The emulator runs in its own process; each side uploads several times and the best run counts.
 */
import { execFileSync, spawn } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { mkdtemp, open, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { TableauClient } from '../src/index.js'
import { MAX_UPLOAD_PART_BYTES, multipartPart } from '../src/wire.js'
import { BENCH_PASSWORD, BENCH_PAT, startEmulatorProcess } from './bench-data.js'

export interface UploadResult {
  bytes: number
  clientMs: number
  curlMs: number
  curlVersion: string
  runs: number
}

/** curl from apt when missing (the reference must be Debian's curl). */
export function ensureCurl(): string {
  try {
    return execFileSync('curl', ['--version'], { encoding: 'utf8' }).split('\n')[0]!
  } catch {
    execFileSync('sh', ['-c', 'apt-get update -qq && apt-get install -y -qq curl'], { stdio: 'inherit' })
    return execFileSync('curl', ['--version'], { encoding: 'utf8' }).split('\n')[0]!
  }
}

async function randomFile(path: string, bytes: number): Promise<void> {
  const { randomFillSync } = await import('node:crypto')
  const handle = await open(path, 'w')
  const chunk = Buffer.alloc(1 << 20)
  for (let written = 0; written < bytes; written += chunk.length) {
    randomFillSync(chunk)
    await handle.write(chunk, 0, Math.min(chunk.length, bytes - written))
  }
  await handle.close()
}

function curl(args: string[]): Promise<string> {
  return new Promise((ok, fail) => {
    const child = spawn('curl', args, { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => {
      out += d
    })
    child.on('exit', (code) => (code === 0 ? ok(out) : fail(new Error(`curl exited ${code}: ${out}`))))
  })
}

export async function benchUpload(megabytes: number, runs = 3): Promise<UploadResult> {
  const curlVersion = ensureCurl()
  const dir = await mkdtemp(join(tmpdir(), 'hd-bench-up-'))
  const emu = await startEmulatorProcess({ dataDir: join(dir, 'emu') })
  try {
    const file = join(dir, 'changes.parquet')
    await randomFile(file, megabytes * 1024 * 1024)
    const bytes = (await stat(file)).size
    // curl's bodies: the exact multipart/mixed bytes the client sends for each 64 MiB part.
    const parts: { path: string; contentType: string }[] = []
    for (let start = 0, i = 0; start < bytes; start += MAX_UPLOAD_PART_BYTES, i++) {
      const part = multipartPart(file, start, Math.min(MAX_UPLOAD_PART_BYTES, bytes - start))
      const path = join(dir, `part-${i}.body`)
      await pipeline(part.body(), createWriteStream(path))
      parts.push({ path, contentType: part.contentType })
    }
    const client = await TableauClient.signIn({ server: emu.url, auth: { personalAccessToken: BENCH_PAT } })
    // curl signs in with the password: a PAT holds one session at a time (spec §4.3), a password does not.
    const signIn = (await (
      await fetch(`${emu.url}/api/3.24/auth/signin`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ credentials: { ...BENCH_PASSWORD, site: { contentUrl: '' } } }),
      })
    ).json()) as { credentials: { token: string; site: { id: string } } }
    const auth = signIn.credentials.token
    const site = `${emu.url}/api/3.24/sites/${signIn.credentials.site.id}`

    let clientMs = Number.POSITIVE_INFINITY
    let curlMs = Number.POSITIVE_INFINITY
    for (let run = 0; run < runs; run++) {
      let t0 = performance.now()
      await client.uploadFile(file)
      clientMs = Math.min(clientMs, performance.now() - t0)

      t0 = performance.now()
      const init = JSON.parse(
        await curl([
          '-sS',
          '-X',
          'POST',
          '-H',
          `X-Tableau-Auth: ${auth}`,
          '-H',
          'Accept: application/json',
          `${site}/fileUploads`,
        ]),
      ) as { fileUpload: { uploadSessionId: string } }
      for (const part of parts) {
        await curl([
          '-sS',
          '-o',
          '/dev/null',
          '-X',
          'PUT',
          '-T',
          part.path,
          '-H',
          'Expect:',
          '-H',
          `Content-Type: ${part.contentType}`,
          '-H',
          `X-Tableau-Auth: ${auth}`,
          `${site}/fileUploads/${init.fileUpload.uploadSessionId}`,
        ])
      }
      curlMs = Math.min(curlMs, performance.now() - t0)
    }
    await client.close().catch(() => {})
    return { bytes, clientMs, curlMs, curlVersion, runs }
  } finally {
    await emu.close()
    await rm(dir, { recursive: true, force: true })
  }
}

import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inspect } from 'node:util'
import { Agent, type Dispatcher } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../../src/cli/run-cli.js'
import { type Emulator, startEmulator } from '../../../src/emulator/index.js'
import {
  batch,
  consoleLogger,
  mintConnectedAppJwt,
  pushChanges,
  summarizeReport,
  TableauClient,
  writeChangeFiles,
} from '../../../src/index.js'
import { changes, fastSleep, itemRows, items } from './helpers.js'

// One full run — sign-in (PAT, password, connected-app JWT, wrong credentials), a multi-request push
// with a token expiry and re-auth in the middle, a failed job, the CLI with --log-level debug, close —
// with every log line captured at debug level and every error/report/client serialized every way we
// know. No token the emulator issued, no PAT secret, password, app secret or JWT may appear in any of it.

const PAT = { name: 'sec-ci', secret: 'PATSECRET-7c1f0e9d8b7a6f5e4d3c2b1a' }
const PASSWORD = 'PASSWORD-q8w7e6r5t4y3u2i1'
const APP = { clientId: 'app-1', secretId: 'kid-1', secretValue: 'APPSECRET-z9x8c7v6b5n4m3' }

let dir: string
let emu: Emulator
const logs: string[] = []
/** Everything else that must be clean: serialized errors, reports, clients, CLI output. */
const outputs: string[] = []
/** Every X-Tableau-Auth value the clients sent: the tokens the emulator issued. */
const tokens = new Set<string>()
const logger = consoleLogger('debug', (line) => logs.push(line))

/** An undici dispatcher that records the X-Tableau-Auth header of every request. */
function recordingDispatcher(): Dispatcher {
  return new Agent().compose((dispatch) => (opts, handler) => {
    const h = opts.headers
    const pairs: [string, unknown][] = Array.isArray(h)
      ? h.flatMap((v, i) => (i % 2 === 0 ? [[String(v), h[i + 1]] as [string, unknown]] : []))
      : Object.entries((h ?? {}) as Record<string, unknown>)
    for (const [k, v] of pairs) if (k.toLowerCase() === 'x-tableau-auth' && typeof v === 'string') tokens.add(v)
    return dispatch(opts, handler)
  })
}

function serialize(value: unknown): void {
  outputs.push(String(value), JSON.stringify(value) ?? '', inspect(value, { depth: 20, showHidden: true }))
  if (value instanceof Error) {
    outputs.push(value.stack ?? '')
    let cause: unknown = value.cause
    while (cause instanceof Error) {
      outputs.push(String(cause), cause.stack ?? '', JSON.stringify(cause) ?? '')
      cause = cause.cause
    }
  }
}

const signIn = (auth: Parameters<typeof TableauClient.signIn>[0]['auth']) =>
  TableauClient.signIn({
    server: emu.url,
    auth,
    logger,
    dispatcher: recordingDispatcher(),
    sleep: fastSleep,
    retry: { baseDelayMs: 1, maxDelayMs: 10 },
  })

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hd-secrets-'))
  emu = await startEmulator({
    port: 0,
    dataDir: join(dir, 'emu'),
    jobDelayMs: 5,
    logger,
    users: [{ name: 'admin', password: PASSWORD, pat: PAT, connectedApp: APP }],
  })
  await emu.createDatasource({ name: 'Secrets', table: items, rows: itemRows(1, 10) })

  // PAT client: a multi-request push with an expired token in the middle, then a failed job.
  const client = await signIn({ personalAccessToken: PAT })
  serialize(client)
  emu.faults.expireTokensAfter(5)
  const report = await pushChanges({
    client,
    datasource: { name: 'Secrets' },
    batch: batch().upsert({ source: changes, target: items, on: ['id'] }),
    rows: { changes: itemRows(1, 2400, 'x') },
    maxSizeInMb: 1,
    logger,
    onProgress: (e) => outputs.push(JSON.stringify(e, (_k, v) => (typeof v === 'bigint' ? String(v) : v))),
  })
  serialize(report)
  outputs.push(summarizeReport(report))
  emu.faults.failJobs({ times: 1, notes: 'injected failure for the secrets run' })
  const failed = await pushChanges({
    client,
    datasource: { name: 'Secrets' },
    batch: batch().insert({ source: changes, target: items }),
    rows: { changes: itemRows(9000, 5) },
    logger,
  }).catch((e: unknown) => e)
  serialize(failed)
  // A direct job wait on a failed job, and its error.
  emu.faults.failJobs({ times: 1, notes: 'second injected failure' })
  const files = await writeChangeFiles(changes, itemRows(9100, 3), { dir })
  const job = await client.updateData({
    datasource: (await client.findDatasource({ name: 'Secrets' })).id,
    payload: files.files[0]!.path,
    actions: batch().insert({ source: changes, target: items }).compile(),
    requestId: 'secrets-direct-1',
  })
  serialize(await client.waitForJob(job.id).catch((e: unknown) => e))
  await files.dispose()
  await client.close()
  serialize(await client.findDatasource({ name: 'Secrets' }).catch((e: unknown) => e))

  // Password and connected-app JWT (minted by the client, and one brought as a string).
  const byPassword = await signIn({ password: { username: 'admin', password: PASSWORD } })
  serialize(byPassword)
  await byPassword.close()
  const byApp = await signIn({ jwt: { ...APP, username: 'admin' } })
  serialize(byApp)
  await byApp.close()
  const jwt = mintConnectedAppJwt({ ...APP, username: 'admin' })
  outputs.push(`__needle_jwt__${jwt}`) // removed below: it only carries the JWT into the needle list
  const byJwt = await signIn({ jwt })
  await byJwt.close()

  // Wrong credentials of every kind: the errors may not echo what was sent.
  serialize(await signIn({ personalAccessToken: { name: PAT.name, secret: `${PAT.secret}-wrong` } }).catch((e) => e))
  serialize(await signIn({ password: { username: 'admin', password: `${PASSWORD}-wrong` } }).catch((e) => e))
  serialize(
    await signIn({ jwt: { ...APP, secretValue: `${APP.secretValue}-wrong`, username: 'admin' } }).catch((e) => e),
  )

  // The CLI at debug level, credentials from the environment; a job that fails.
  const batchFile = join(dir, 'insert.json')
  await writeFile(
    batchFile,
    JSON.stringify({ actions: [{ action: 'insert', 'source-table': 'changes', 'target-table': 'Extract' }] }),
  )
  const input = join(dir, 'rows.ndjson')
  await writeFile(input, `${JSON.stringify({ id: '777', body: 'cli' })}\n`)
  const schema = join(dir, 'schema.json')
  await writeFile(schema, JSON.stringify({ changes: { id: 'int64', body: 'text' } }))
  const cliOut: string[] = []
  const io = {
    stdout: { write: (s: string) => cliOut.push(s) > 0 },
    stderr: { write: (s: string) => cliOut.push(s) > 0 },
    env: { TABLEAU_SERVER: emu.url, TABLEAU_PAT_NAME: PAT.name, TABLEAU_PAT_SECRET: PAT.secret },
    signal: new AbortController().signal,
  }
  const args = ['push', '--batch', batchFile, '--schema', schema, '--input', `changes=${input}`]
  emu.faults.failJobs({ times: 1, notes: 'cli injected failure' })
  const failedExit = await runCli([...args, '--datasource', 'Secrets', '--log-level', 'debug'], io)
  const okExit = await runCli([...args, '--datasource', 'Secrets', '--log-level', 'debug', '--json'], io)
  const badExit = await runCli([...args, '--datasource', 'Secrets', '--log-level', 'debug'], {
    ...io,
    env: { ...io.env, TABLEAU_PAT_SECRET: `${PAT.secret}-cli-wrong` },
  })
  outputs.push(cliOut.join(''), `exits ${failedExit} ${okExit} ${badExit}`)
}, 30_000)

afterAll(async () => {
  await emu.close()
  await rm(dir, { recursive: true, force: true })
})

describe('secrets never appear in logs, errors, reports or CLI output', () => {
  const jwtNeedle = () => outputs.find((o) => o.startsWith('__needle_jwt__'))!.slice('__needle_jwt__'.length)
  const haystack = () => [...logs, ...outputs.filter((o) => !o.startsWith('__needle_jwt__'))].join('\n')

  it('the run really did what it claims (debug logs, re-auth, failed jobs, CLI exits)', () => {
    expect(logs.some((l) => l.includes('"level":"debug"'))).toBe(true)
    expect(logs.some((l) => l.includes('signing in again'))).toBe(true)
    expect(emu.faults.counters.tokenExpiries).toBe(1)
    expect(emu.faults.counters.failedJobs).toBe(3)
    // PAT (and its replacement after re-auth), password, app JWT, brought JWT (the CLI's are caught by shape).
    expect(tokens.size).toBe(5)
    expect(outputs.join('\n')).toMatch(/exits 5 0 4/)
    expect(haystack()).toMatch(/injected failure for the secrets run/)
  })

  it('no issued token, PAT secret, password, app secret or JWT appears anywhere', () => {
    const text = haystack()
    const needles = [PAT.secret, PASSWORD, APP.secretValue, jwtNeedle()]
    // A token is `<random>|<random>|<site id>`; the site id is public (it is in every URL), the rest is not.
    for (const token of tokens) needles.push(token, ...token.split('|').slice(0, 2))
    for (const needle of needles) expect(text.includes(needle), `found a secret of length ${needle.length}`).toBe(false)
    // Shapes, in case a secret was produced that the lists above missed.
    expect(text).not.toMatch(/eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/) // a JWT
    expect(text).not.toMatch(/[\w-]{22}\|[A-Za-z0-9]{32}\|/) // an emulator credentials token
    expect(text).not.toMatch(/SECRET-|PASSWORD-/)
  })
})

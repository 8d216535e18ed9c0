// Every ordinary mistake: the real `hyperdelta` process, its exit code and its one-line message.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defineCommand } from '../../../src/cli/command-table.js'
import { EXIT } from '../../../src/cli/exit-codes.js'
import { COMMANDS } from '../../../src/cli/registry.js'
import { repoRoot, runCliInProcess as run, spawnCli, startCliProcess, withoutDuckdb } from '../../helpers/spawn-cli.js'

let dir: string
const f = (name: string) => join(dir, name)
const UPSERT_BATCH = {
  actions: [
    {
      action: 'upsert',
      'source-table': 'gone',
      'target-schema': 'Extract',
      'target-table': 'Extract',
      condition: { op: 'eq', 'target-col': 'id', 'source-col': 'id' },
    },
  ],
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hd-cli-errors-'))
  await writeFile(f('batch.json'), JSON.stringify(UPSERT_BATCH))
  await writeFile(f('tables.json'), JSON.stringify({ gone: { id: 'int64', name: 'text?' } }))
  await writeFile(f('bad.json'), '{\n  "actions": [\n    {"action": "delete",}\n  ]\n}\n')
  await writeFile(f('bad-schema.json'), '{"gone": {"id": "int64"\n')
  await writeFile(f('ok.csv'), 'id,name\n1,a\n')
  await writeFile(f('short.csv'), 'id,name\n1,a\n2\n')
  await writeFile(f('unclosed.csv'), 'id,name\n1,a\n2,"b\n3,c\n')
  await writeFile(f('repeated.csv'), 'id,name,id\n1,a,2\n')
  await writeFile(f('proto.csv'), 'id,__proto__\n1,a\n')
  await writeFile(f('bom.ndjson'), '\uFEFF{"id": 1}\n')
  await writeFile(f('bad.ndjson'), '{"id": 1, "name": null}\n{"id": 2, "name": "b"}\n{"id": 3,, "name": "x"}\n')
  await mkdir(f('a-directory.journal'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const plan = (...extra: string[]) => ['plan', '--batch', f('batch.json'), '--schema', f('tables.json'), ...extra]
const NO_STACK = /\n\s+at .+:\d+:\d+/

function expectOneLineError(result: { stderr: string }) {
  expect(result.stderr).not.toMatch(NO_STACK)
  expect(result.stderr).not.toMatch(/internal error/)
}

describe.concurrent('usage mistakes: exit 2 with the usage line of the command', () => {
  const cases: [string, string[], RegExp, string][] = [
    ['unknown flag', ['push', '--frobnicate'], /unknown flag --frobnicate/, 'push'],
    ['missing flag value', ['plan', '--batch'], /--batch needs a value/, 'plan'],
    ['a flag where a value belongs', ['plan', '--batch', '--json'], /--batch needs a value/, 'plan'],
    ['value for a boolean flag', ['plan', '--json=yes'], /--json takes no value/, 'plan'],
    ['missing positional', ['job', 'wait'], /missing <job-id>/, 'job wait'],
    ['extra positional', ['job', 'cancel', '1', '2'], /unexpected argument 2/, 'job cancel'],
    ['unknown flag (emulator)', ['emulator', '--prot', '1'], /unknown flag --prot/, 'emulator'],
    ['bad port', ['emulator', '--port', 'x'], /--port x: not a port/, 'emulator'],
    ['required flag', ['push', '--batch', 'b.json'], /--datasource <name> or --datasource-id <id> is required/, 'push'],
    ['unknown flag of a verb', ['datasource', 'list', '--to', 'x'], /unknown flag --to/, 'datasource list'],
    ['missing positional of a verb', ['vconn', 'download'], /missing <id>/, 'vconn download'],
    ['a misspelt flag', ['load', '--fils', 'x'], /unknown flag --fils \(did you mean --files\?\)/, 'load'],
    ['cdc without a mode', ['cdc', '--key', 'id', '--datasource', 'x'], /give --previous and --current/, 'cdc'],
  ]
  it.each(cases)('%s', async (_name, args, message, command) => {
    const result = await run(args)
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(message)
    expect(result.stderr).toContain(`usage: hyperdelta ${command} `)
    expectOneLineError(result)
  })

  it('a misspelt command or verb: did you mean', async () => {
    const [command, verb] = await Promise.all([run(['pusj']), run(['datasource', 'downlod', 'x'])])
    expect(command.code).toBe(2)
    expect(command.stderr).toMatch(/unknown command "pusj" \(did you mean "push"\?\)/)
    expect(verb.code).toBe(2)
    expect(verb.stderr).toMatch(/unknown command "datasource downlod" \(did you mean "datasource download"\?\)/)
  })

  it('unknown command and wrong subcommand list the commands', async () => {
    const [top, sub, bare] = await Promise.all([run(['frob']), run(['job', 'frob', '1']), run(['job'])])
    expect(top.code).toBe(2)
    expect(top.stderr).toMatch(/unknown command "frob"/)
    for (const c of COMMANDS) expect(top.stderr).toContain(`hyperdelta ${c.name} `)
    expect(sub.code).toBe(2)
    expect(sub.stderr).toMatch(/unknown command "job frob"/)
    expect(sub.stderr).toContain('hyperdelta job wait <job-id>')
    expect(sub.stderr).not.toContain('hyperdelta push')
    expect(bare.code).toBe(2)
    expect(bare.stderr).toMatch(/"job" needs a command/)
  })
})

describe.concurrent('help and version', () => {
  it.each(COMMANDS.map((c) => [c.name]))('%s --help: exit 0, usage and every flag', async (name) => {
    const command = COMMANDS.find((c) => c.name === name)!
    const result = await run([...name.split(' '), '--help'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(new RegExp(`^usage: hyperdelta ${name} `))
    for (const flag of Object.keys(command.flags)) expect(result.stdout).toContain(`--${flag}`)
  })

  it('--version prints the package version; --help lists every command', async () => {
    const pkg = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { version: string }
    const [version, help] = await Promise.all([run(['--version']), run(['--help'])])
    expect(version).toMatchObject({ code: 0, stdout: `${pkg.version}\n` })
    expect(help.code).toBe(0)
    for (const c of COMMANDS) expect(help.stdout).toContain(`hyperdelta ${c.name}`)
  })
})

describe.concurrent('bad input: exit 3 naming file, line and column, no stack', () => {
  const cases: [string, () => string[], RegExp][] = [
    [
      'missing --batch file',
      () => ['plan', '--batch', f('nope.json')],
      /--batch .*nope\.json: cannot read: no such file/,
    ],
    [
      '--batch is a directory',
      () => ['plan', '--batch', `${dir}/a-directory.journal/x.json`],
      /cannot read: no such file/,
    ],
    ['malformed batch JSON', () => ['plan', '--batch', f('bad.json')], /bad\.json:3:25: malformed JSON/],
    [
      'missing --schema file',
      () => ['plan', '--batch', f('batch.json'), '--schema', f('nope.json')],
      /--schema .*nope\.json: cannot read/,
    ],
    [
      'malformed schema JSON',
      () => ['plan', '--batch', f('batch.json'), '--schema', f('bad-schema.json')],
      /bad-schema\.json:2:1: malformed JSON/,
    ],
    [
      'missing CSV input',
      () => plan('--input', `gone=${f('nope.csv')}`),
      /--input .*nope\.csv: cannot read: no such file/,
    ],
    ['missing NDJSON input', () => plan('--input', `gone=${f('nope.ndjson')}`), /--input .*nope\.ndjson: cannot read/],
    [
      'missing Parquet input',
      () => ['plan', '--batch', f('batch.json'), '--input', `gone=${f('nope.parquet')}`],
      /--input .*nope\.parquet: cannot read/,
    ],
    [
      'CSV short row',
      () => plan('--input', `gone=${f('short.csv')}`),
      /short\.csv:3: column 2 \("name"\): the row has a different number of fields/,
    ],
    [
      'CSV unclosed quote',
      () => plan('--input', `gone=${f('unclosed.csv')}`),
      /unclosed\.csv:3: column 2 \("name"\): a quote opened .* never closed/,
    ],
    [
      'CSV repeated header',
      () => plan('--input', `gone=${f('repeated.csv')}`),
      /repeated\.csv:1: column 3: "id" repeats column 1/,
    ],
    [
      'CSV __proto__ header',
      () => plan('--input', `gone=${f('proto.csv')}`),
      /proto\.csv:1: column 2: "__proto__" is not allowed/,
    ],
    [
      'NDJSON with a BOM',
      () => plan('--input', `gone=${f('bom.ndjson')}`),
      /bom\.ndjson:1:1: starts with a byte-order mark/,
    ],
    ['NDJSON bad line', () => plan('--input', `gone=${f('bad.ndjson')}`), /bad\.ndjson:3:10: malformed JSON/],
  ]
  it.each(cases)('%s', async (_name, args, message) => {
    const result = await run(args())
    expect(result.stderr).toMatch(message)
    expect(result.code).toBe(3)
    expectOneLineError(result)
  })

  it('a journal path that is a directory, and an unreadable secret file: before any sign-in', async () => {
    const env = { TABLEAU_SERVER: 'http://127.0.0.1:9', TABLEAU_PAT_NAME: 'etl' }
    const push = ['push', '--batch', f('batch.json'), '--schema', f('tables.json'), '--input', `gone=${f('ok.csv')}`]
    const [journal, secret] = await Promise.all([
      run([...push, '--datasource', 'Orders', '--journal', f('a-directory.journal')], {
        ...env,
        TABLEAU_PAT_SECRET: 'not-printed-secret',
      }),
      run([...push, '--datasource', 'Orders'], { ...env, TABLEAU_PAT_SECRET_FILE: f('no-secret') }),
    ])
    expect(journal.code).toBe(3)
    expect(journal.stderr).toMatch(/--journal .*a-directory\.journal: cannot read: is a directory/)
    expect(journal.stderr).not.toContain('not-printed-secret')
    expect(secret.code).toBe(3)
    expect(secret.stderr).toMatch(/TABLEAU_PAT_SECRET_FILE=.*no-secret: cannot read: no such file/)
    expectOneLineError(journal)
    expectOneLineError(secret)
  })
})

describe('as a real process: exit codes reach the shell, stream errors never crash it', () => {
  it('usage, bad input, --version and an internal error each exit with their code', async () => {
    const [usage, missingCsv, missingNdjson, version] = await Promise.all([
      spawnCli(['push', '--frobnicate']),
      spawnCli(plan('--input', `gone=${f('nope.csv')}`)),
      spawnCli(plan('--input', `gone=${f('nope.ndjson')}`)),
      spawnCli(['--version']),
    ])
    expect(usage.code).toBe(2)
    expect(usage.stderr).toContain('usage: hyperdelta push ')
    expect(missingCsv.code).toBe(3)
    expect(missingCsv.stderr).toMatch(/nope\.csv: cannot read: no such file/)
    expect(missingNdjson.code).toBe(3)
    expect(version.code).toBe(0)
    for (const r of [usage, missingCsv, missingNdjson]) expectOneLineError(r)
  }, 120_000)
})

describe('a real bug: exit 1, the stack only with --debug', () => {
  const broken = defineCommand({
    name: 'broken',
    summary: 'throws a TypeError',
    usage: '',
    flags: {},
    async run() {
      return (undefined as unknown as { x: () => number }).x()
    },
  })
  it('prints one line and says how to get the stack; --debug prints it', async () => {
    const plain = await run(['broken'], {}, [broken])
    expect(plain.code).toBe(1)
    expect(plain.stderr).toMatch(
      /^hyperdelta: internal error \(a bug: please report it\): .*undefined.*\nrerun with --debug/,
    )
    expect(plain.stderr).not.toMatch(NO_STACK)
    const debug = await run(['broken', '--debug'], {}, [broken])
    expect(debug.code).toBe(1)
    expect(debug.stderr).toMatch(NO_STACK)
  })
})

describe('emulator', () => {
  it('without @duckdb/node-api: says to install it (exit 4, no stack)', async () => {
    const result = await spawnCli(['emulator', '--port', '0', '--data-dir', f('emu-none')], {
      nodeArgs: ['--import', withoutDuckdb],
    })
    expect(result.stderr).toMatch(/install @duckdb\/node-api/)
    expect(result.code).toBe(4)
    expectOneLineError(result)
  }, 120_000)

  it('rerunning the README command on the same data dir works; a second emulator on it is refused', async () => {
    const parquet = join(repoRoot, 'samples/data/orders-day0.parquet')
    const args = ['emulator', '--port', '0', '--data-dir', f('emu'), '--publish', `Orders=${parquet}`]
    const first = await startCliProcess(args, /listening on/)
    expect(first.stdout).toMatch(/published data source "Orders"/)
    const second = await spawnCli(args)
    expect(second.code).toBe(4)
    expect(second.stderr).toMatch(/data dir .*emu is in use by another emulator \(process \d+\)/)
    expectOneLineError(second)
    expect(await first.stop()).toBe(0)

    const rerun = await startCliProcess(args, /listening on/)
    expect(rerun.stdout).toMatch(/data source "Orders" already exists .*: kept/)
    expect(await rerun.stop()).toBe(0)
  }, 180_000)

  it('a damaged catalog.json stops it at start: exit 4 naming the file, not an internal error', async () => {
    const dataDir = f('emu-damaged')
    await mkdir(dataDir)
    const catalog = join(dataDir, 'catalog.json')
    await writeFile(catalog, '{"version": 1, "sites": [{"id": "s1", "contentU')
    const spawned = await spawnCli(['emulator', '--port', '0', '--data-dir', dataDir])
    expect(spawned.code).toBe(4)
    expect(spawned.stderr).toContain(`EMULATOR_STATE_INVALID: emulator: ${catalog} is not JSON`)
    expectOneLineError(spawned)
    for (const [body, problem] of [
      ['', /is not JSON/],
      ['{"version": 1}', /expected shape at sites/],
      [
        '{"version":1,"sites":[],"users":[],"projects":[],"datasources":[{"id":1}],"uploads":[],"jobs":[],"requestIds":[],"counter":0}',
        /expected shape at datasources\.0\.id/,
      ],
    ] as const) {
      await writeFile(catalog, body)
      const result = await run(['emulator', '--port', '0', '--data-dir', dataDir])
      expect(result.code).toBe(4)
      expect(result.stderr).toContain(catalog)
      expect(result.stderr).toMatch(problem)
      expectOneLineError(result)
    }
  }, 120_000)
})

describe('top-level help', () => {
  it('lists every exit code the CLI can return', async () => {
    const help = (await run(['--help'])).stdout
    const codes = help.slice(help.indexOf('exit codes:'))
    for (const code of Object.values(EXIT)) expect(codes).toMatch(new RegExp(`[ ,:]${code} `))
  })
})

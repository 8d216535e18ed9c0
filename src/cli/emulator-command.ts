import { HyperdeltaError, tableFromParquet } from '../index.js'
import { defineCommand, usageError } from './command-table.js'
import { assertReadableFile } from './input-files.js'
import { parseInputFlags } from './inputs.js'
import { cliLogger, positiveNumber } from './io.js'

/** The emulator module, or a plain answer when its optional peer dependency is not installed. */
async function loadEmulator(): Promise<typeof import('../emulator/index.js')> {
  try {
    return await import('../emulator/index.js')
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message.includes('@duckdb/node-api')) {
      throw new HyperdeltaError(
        'EMULATOR_DEPENDENCY_MISSING',
        'the emulator needs DuckDB: install @duckdb/node-api (npm install --save-dev @duckdb/node-api)',
        { cause: error },
      )
    }
    throw error
  }
}

export const emulatorCommand = defineCommand({
  name: 'emulator',
  summary: 'Run a local Tableau REST emulator (DuckDB-backed) until Ctrl-C. State persists in the data dir.',
  usage:
    '[--port 8787] [--data-dir .emulator] [--host 127.0.0.1] [--max-size-mb 100] [--publish <name>=<file.parquet>] [--no-console]',
  flags: {
    port: { type: 'string', default: '8787', arg: '<port>', help: 'TCP port (0 = any free port)' },
    host: { type: 'string', default: '127.0.0.1', arg: '<host>', help: 'interface to bind' },
    'data-dir': {
      type: 'string',
      default: '.emulator',
      arg: '<dir>',
      help: 'where state persists; one emulator per dir',
    },
    'max-size-mb': { type: 'string', arg: '<n>', help: 'max_size_in_mb the emulator enforces (default 100)' },
    user: { type: 'string', default: 'admin', arg: '<name>', help: 'user who may sign in' },
    publish: {
      type: 'string',
      multiple: true,
      arg: '<name>=<file.parquet>',
      help: 'publish a data source from a Parquet file unless one of that name exists; repeatable',
    },
    'log-level': { type: 'string', arg: '<level>', help: 'structured logs on stderr' },
    'no-console': { type: 'boolean', help: 'do not serve the web console at /console (loopback clients only)' },
  },
  notes: `credentials it accepts: user / HYPERDELTA_EMULATOR_PASSWORD (default admin),
  PAT "local" / HYPERDELTA_EMULATOR_PAT_SECRET (default local-secret). Needs @duckdb/node-api.`,
  async run({ values, io }) {
    const port = Number(values.port)
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError(`--port ${values.port}: not a port`)
    const publish = parseInputFlags(values.publish ?? [], '--publish')
    for (const [name, files] of publish) {
      if (files.length > 1) throw usageError(`--publish ${name}: one Parquet file per data source`)
      await assertReadableFile('--publish', files[0]!)
    }
    const dataDir = values['data-dir']!
    const { startEmulator } = await loadEmulator()
    const password = io.env.HYPERDELTA_EMULATOR_PASSWORD ?? 'admin'
    const pat = { name: 'local', secret: io.env.HYPERDELTA_EMULATOR_PAT_SECRET ?? 'local-secret' }
    const maxSizeInMb = positiveNumber('max-size-mb', values['max-size-mb'])
    const emu = await startEmulator({
      port,
      host: values.host!,
      dataDir,
      users: [{ name: values.user!, password, pat }],
      ...(maxSizeInMb !== undefined && { maxSizeInMb }),
      logger: cliLogger(values['log-level'], io),
      console: !values['no-console'],
    })
    try {
      // A rerun on the same data dir keeps what an earlier run published (and what pushes changed since).
      // --publish creates in the default site's Default project, where names are unique case-insensitively.
      const existing = new Set(
        (await emu.listDatasources())
          .filter((d) => d.site === '' && d.project === 'Default')
          .map((d) => d.name.toLowerCase()),
      )
      for (const [name, files] of publish) {
        if (existing.has(name.toLowerCase())) {
          io.stdout.write(
            `data source "${name}" already exists in ${dataDir}: kept (delete the data dir to start over)\n`,
          )
          continue
        }
        const table = await tableFromParquet(files[0]!, { schema: 'Extract', name: 'Extract' })
        const ds = await emu.createDatasource({ name, table, parquet: files[0]! })
        io.stdout.write(`published data source "${name}" (${ds.id}) from ${files[0]}\n`)
      }
    } catch (error) {
      await emu.close()
      throw error
    }
    io.stdout.write(
      `hyperdelta emulator listening on ${emu.url} (data in ${dataDir})\n` +
        (emu.consoleUrl
          ? `  console: open ${emu.consoleUrl} to see what landed (data sources, jobs, requests, faults)\n`
          : '') +
        `  TABLEAU_SERVER=${emu.url} TABLEAU_SITE=\n` +
        `  user ${values.user} / password ${password}; TABLEAU_PAT_NAME=${pat.name} TABLEAU_PAT_SECRET=${pat.secret}\n` +
        '  (local test credentials; set HYPERDELTA_EMULATOR_PASSWORD / HYPERDELTA_EMULATOR_PAT_SECRET to change them)\n' +
        'Ctrl-C to stop.\n',
    )
    await new Promise<void>((resolve) => io.signal.addEventListener('abort', () => resolve(), { once: true }))
    await emu.close()
    return 0
  },
})

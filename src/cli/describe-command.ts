import { type DatasourceDescription, type DescribedColumn, HyperdeltaError } from '../index.js'
import { describeColumnType } from '../internal.js'
import { defineCommand, usageError } from './command-table.js'
import { SERVER_FLAGS } from './io.js'
import { signInFromFlags } from './sign-in.js'

/** A defineTable module of the described columns: the widest type per column, what the server did not say in a comment. */
export function emitTs(name: string, d: Extract<DatasourceDescription, { available: true }>): string {
  const used = new Set<string>(['defineTable'])
  const lines = d.columns.map((c) => {
    if (!c.widest) return `  // ${JSON.stringify(c.name)}: ${c.dataType} has no hyperdelta column type; left out`
    const factory = c.widest.kind
    used.add(factory)
    const note =
      c.notAvailable.length > 0 ? ` // ${c.dataType}; not said by the server: ${c.notAvailable.join(', ')}` : ''
    return `  ${JSON.stringify(c.name)}: ${factory}({ nullable: true }),${note}`
  })
  return [
    `// Described from data source "${name}" (${d.datasourceId}) by \`hyperdelta describe\`.`,
    '// Where the server does not say (integer width, DOUBLE or NUMERIC, time zone, nullability), the widest',
    '// type is written: narrow it to what the table really holds.',
    `import { ${[...used].sort().join(', ')} } from 'hyperdelta'`,
    '',
    `export const table = defineTable({ schema: 'Extract', name: 'Extract' }, {`,
    ...lines,
    '})',
    '',
  ].join('\n')
}

/** A `--schema` file of the described columns (table `Extract`), plus the notes JSON cannot hold. */
export function emitJson(d: Extract<DatasourceDescription, { available: true }>): { json: string; notes: string[] } {
  const columns: Record<string, string> = {}
  const notes: string[] = []
  for (const c of d.columns) {
    if (!c.widest) {
      notes.push(`"${c.name}": ${c.dataType} has no hyperdelta column type; left out`)
      continue
    }
    Object.defineProperty(columns, c.name, { value: describeColumnType(c.widest), enumerable: true })
    if (c.notAvailable.length > 0)
      notes.push(`"${c.name}": ${c.dataType}; not said by the server: ${c.notAvailable.join(', ')}`)
  }
  return { json: `${JSON.stringify({ Extract: columns }, null, 2)}\n`, notes }
}

function table(columns: readonly DescribedColumn[]): string {
  const rows = columns.map((c) => [c.name, c.dataType, c.kinds.join(' | ') || '-', c.notAvailable.join(', ')])
  const head = ['column', 'server type', 'hyperdelta kinds', 'not said by the server']
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  return [head, ...rows]
    .map((r) =>
      r
        .map((v, i) => v.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}

/** `hyperdelta describe`: the published table's columns and types, as the server says them. */
export const describeCommand = defineCommand({
  name: 'describe',
  summary: "Show a data source's columns and types as the server describes them; --emit ts|json writes a table.",
  usage: '--datasource <name> [--project <name>] [--emit ts|json] [--json]',
  flags: {
    datasource: { type: 'string', arg: '<name>', help: 'the data source, by name' },
    project: { type: 'string', arg: '<name>', help: 'its project, when the name is not unique' },
    emit: { type: 'string', arg: 'ts|json', help: 'print a defineTable module (ts) or a --schema file (json)' },
    ...SERVER_FLAGS,
  },
  async run({ values, io }) {
    const name = values.datasource
    if (name === undefined) throw usageError('pass --datasource <name>')
    if (values.emit !== undefined && values.emit !== 'ts' && values.emit !== 'json') {
      throw usageError(`--emit must be ts or json, got ${values.emit}`)
    }
    const { client } = await signInFromFlags(values, io)
    try {
      const found = await client.findDatasource({
        name,
        ...(values.project !== undefined && { project: values.project }),
      })
      const d = await client.datasources.describe(found.id)
      if (!d.available) {
        throw new HyperdeltaError('DESCRIBE_NOT_AVAILABLE', `describe: ${name}: not available: ${d.reason}`, {
          details: { datasource: name },
        })
      }
      if (values.emit === 'ts') io.stdout.write(emitTs(name, d))
      else if (values.emit === 'json') {
        const { json, notes } = emitJson(d)
        io.stdout.write(json)
        for (const n of notes) io.stderr.write(`describe: ${n}\n`)
      } else if (values.json) io.stdout.write(`${JSON.stringify(d, null, 2)}\n`)
      else io.stdout.write(`${table(d.columns)}\n`)
      return 0
    } finally {
      await client.close()
    }
  },
})

import { writeFile } from 'node:fs/promises'
import { findProjectId, probe, type ScratchDatasource } from '../index.js'
import { formatProbeTable } from '../internal.js'
import { defineCommand, usageError } from './command-table.js'
import { type CliIo, positiveNumber, SERVER_FLAGS } from './io.js'
import { signInFromFlags } from './sign-in.js'

/** `hyperdelta probe`: confirms every inferred wire fact on the user's own server, on a scratch data source. */
export const probeCommand = defineCommand({
  name: 'probe',
  summary: 'Find out, on your server, every protocol fact hyperdelta infers (a scratch data source, always deleted).',
  usage:
    '(--project <name> | --project-id <luid>) [--capabilities-out <file>] [--part-size-mb <n>] [--size <MB>] [--probe-native-ops] [--json]',
  flags: {
    project: { type: 'string', arg: '<name>', help: 'project the scratch data sources are published to' },
    'project-id': { type: 'string', arg: '<luid>', help: 'the same, by LUID' },
    'capabilities-out': { type: 'string', arg: '<file>', help: 'write the findings as a capabilities file' },
    'part-size-mb': {
      type: 'string',
      arg: '<n>',
      help: "upload part size to confirm, in MiB (default 64, the client's; 0 skips; uploads about twice this)",
    },
    'probe-native-ops': {
      type: 'boolean',
      help: 'also try the unconfirmed native ne / not operators (confirmed ones are then sent by the client)',
    },
    size: {
      type: 'string',
      arg: '<MB>',
      help: "the server's max_size_in_mb: confirm a payload of hyperdelta's budget for it applies (uploads that much)",
    },
    ...SERVER_FLAGS,
  },
  async run({ values, io }) {
    if ((values.project === undefined) === (values['project-id'] === undefined)) {
      throw usageError('pass exactly one of --project or --project-id')
    }
    const partMb = values['part-size-mb'] === '0' ? 0 : positiveNumber('part-size-mb', values['part-size-mb'])
    const sizeMb = positiveNumber('size', values.size)
    const { client } = await signInFromFlags(values, io)
    // Every scratch data source by name, as soon as it is named: whatever ends the probe (failure, Ctrl-C), the
    // operator learns which ones are left to remove by hand.
    const named: ScratchDatasource[] = []
    try {
      const projectId = values['project-id'] ?? (await findProjectId((r) => client.request(r), values.project!))
      const result = await probe(client, {
        projectId,
        signal: io.signal,
        onScratch: (s) => {
          named.push(s)
          io.stderr.write(`probe: publishing scratch data source ${s.name}\n`)
        },
        ...(partMb !== undefined && { uploadPartBytes: partMb === 0 ? false : Math.round(partMb * 2 ** 20) }),
        ...(sizeMb !== undefined && { sizeMb }),
        ...(values['probe-native-ops'] && { nativeOps: true }),
        onFinding: (f) => {
          if (!values.json) io.stderr.write(`probe: ${f.fact}: ${f.outcome}\n`)
        },
      })
      if (values['capabilities-out']) {
        await writeFile(values['capabilities-out'], `${JSON.stringify(result.capabilities, null, 2)}\n`)
      }
      printResult(result, values.json === true, io)
      return result.scratch.every((s) => s.deleted) ? 0 : 4
    } finally {
      for (const s of named.filter((x) => !x.deleted)) {
        const id = s.id === undefined ? '' : ` (${s.id})`
        io.stderr.write(
          `probe: scratch data source ${s.name}${id} was not deleted: ${s.error ?? ''}; remove it by hand\n`,
        )
      }
      await client.close()
    }
  },
})

function printResult(result: Awaited<ReturnType<typeof probe>>, json: boolean, io: CliIo): void {
  if (json) {
    io.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
    return
  }
  io.stdout.write(`${formatProbeTable(result.findings)}\n`)
}

import { randomBytes, randomUUID } from 'node:crypto'
import { open } from 'node:fs/promises'
import { join } from 'node:path'
import { batch } from '../actions/batch.js'
import { appendToUpload, initiateUpload } from '../client/uploads/endpoints.js'
import { multipartPart } from '../client/uploads/multipart.js'
import { MAX_UPLOAD_PART_BYTES } from '../client/uploads/upload-file.js'
import { isHyperdeltaError } from '../errors.js'
import { payloadByteLimit } from '../payload/byte-limit.js'
import { writeChangeFiles } from '../payload/write-change-files.js'
import type { ProbeContext } from './probe-context.js'
import { failureEvidence, findingOf, type ProbeFinding, throwIfAborted } from './probe-steps.js'
import { type ProbeRow, probeTable } from './probe-table.js'

// The two size limits hyperdelta infers, probed by sending exactly what the client would send at its limit:
// one upload part of the client's part size (and one a MiB above it), and one payload of the byte budget
// for the server's `max_size_in_mb`. Both are recorded in the capabilities' `limits` when confirmed.

/** The outcome of appending one part of `bytes` bytes in a fresh upload session: accepted, or why not. */
async function appendOnce(ctx: ProbeContext, file: string, bytes: number): Promise<true | string> {
  throwIfAborted(ctx)
  try {
    const session = await ctx.client.request(initiateUpload(ctx.signal))
    await ctx.client.request(
      appendToUpload(session.fileUpload.uploadSessionId, multipartPart(file, 0, bytes), ctx.signal),
    )
    return true
  } catch (e) {
    throwIfAborted(ctx, e)
    return failureEvidence(e)
  }
}

/**
 * `uploadPartSize`: a part of `partBytes` (default the client's 64 MiB) must be accepted; one MiB more is
 * sent too, to see whether the limit sits right there. Where the client's size is refused, 64 × 10^6 bytes
 * (the limit if "MB" means 10^6) is tried, so the capabilities can name a part size that works.
 */
export async function uploadPartStep(
  ctx: ProbeContext,
  partBytes = MAX_UPLOAD_PART_BYTES,
): Promise<{ finding: ProbeFinding; uploadPartBytes?: number }> {
  const above = partBytes + 2 ** 20
  const file = join(ctx.dir, 'part.bin')
  // A sparse file: the bytes are zeros on the wire, nothing is held in memory.
  const fh = await open(file, 'w')
  await fh.truncate(above)
  await fh.close()
  const expected = `an upload part of ${partBytes} bytes is accepted (the client's part size)`
  const finding = findingOf('uploadPartSize', expected)
  const atLimit = await appendOnce(ctx, file, partBytes)
  if (atLimit === true) {
    const larger = await appendOnce(ctx, file, above)
    return {
      finding: finding(
        'confirmed',
        larger === true
          ? `accepted; a part of ${above} bytes was accepted too (the limit is higher)`
          : `accepted; a part of ${above} bytes was refused (the limit sits at the client's part size)`,
        larger === true ? '' : larger,
      ),
      uploadPartBytes: partBytes,
    }
  }
  const decimal = Math.floor((partBytes / 2 ** 20) * 10 ** 6)
  const smaller = decimal < partBytes ? await appendOnce(ctx, file, decimal) : 'not tried'
  return {
    finding: finding(
      'rejected',
      smaller === true
        ? `refused; a part of ${decimal} bytes was accepted (the limit counts MB as 10^6): the client uses that size`
        : `refused; a part of ${decimal} bytes was refused too`,
      atLimit,
    ),
    ...(smaller === true && { uploadPartBytes: decimal }),
  }
}

/** Rows whose labels are random (incompressible), enough to fill `bytes` of Parquet. */
function* fillerRows(bytes: number): Generator<ProbeRow> {
  const perRow = 1000
  const count = Math.ceil(bytes / perRow) + 64
  for (let i = 0; i < count; i++) {
    const label = randomBytes((perRow * 3) / 4).toString('base64')
    yield { id: 1_000_000n + BigInt(i), label, flag: null, day: null, at: null }
  }
}

/**
 * `payloadSize` (`--size <MB>`, opt-in): a payload as large as hyperdelta would send for a server whose
 * `max_size_in_mb` is `sizeMb` (the byte budget, see payloadByteLimit) is uploaded and applied as an insert into
 * the scratch data source. Runs last: its rows are not part of the expected table.
 */
export async function payloadSizeStep(
  ctx: ProbeContext,
  sizeMb: number,
): Promise<{ finding: ProbeFinding; payloadBytes?: number }> {
  throwIfAborted(ctx)
  const budget = payloadByteLimit(sizeMb)
  const added = probeTable.as('added')
  const files = await writeChangeFiles(added, fillerRows(budget), { dir: ctx.dir, maxBytes: budget })
  const file = files.files[0]!
  const finding = findingOf(
    'payloadSize',
    `a payload of up to ${budget} bytes (the budget for max_size_in_mb = ${sizeMb}) is accepted`,
  )
  try {
    const { uploadSessionId } = await ctx.client.uploadFile(file.path, ctx.signal ? { signal: ctx.signal } : {})
    const job = await ctx.client.updateData({
      datasource: ctx.datasource,
      actions: batch().insert({ source: added, target: probeTable }).compile(),
      uploadSessionId,
      requestId: `probe-payloadSize-${randomUUID()}`,
      ...(ctx.signal && { signal: ctx.signal }),
    })
    await ctx.client.waitForJob(job.id, ctx.signal ? { signal: ctx.signal } : {})
    return {
      finding: finding('confirmed', `a payload of ${file.bytes} bytes (${file.rows} rows) applied`, `job ${job.id}`),
      payloadBytes: file.bytes,
    }
  } catch (e) {
    throwIfAborted(ctx, e)
    const status = isHyperdeltaError(e, 'API_ERROR') && e.details.status === 413 ? ' (413: over the server limit)' : ''
    return {
      finding: finding('rejected', `a payload of ${file.bytes} bytes was refused${status}`, failureEvidence(e)),
    }
  } finally {
    await files.dispose()
  }
}

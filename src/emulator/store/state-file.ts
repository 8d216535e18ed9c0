import { readFile } from 'node:fs/promises'
import type { z } from 'zod'
import { HyperdeltaError } from '../../index.js'

/** The error for a state file in the data dir that the emulator cannot start from (exit 4 from the CLI). */
export function stateInvalid(
  file: string,
  problem: string,
  cause?: unknown,
): HyperdeltaError<'EMULATOR_STATE_INVALID'> {
  return new HyperdeltaError(
    'EMULATOR_STATE_INVALID',
    `emulator: ${file} ${problem}; restore it from a backup, or start on an empty --data-dir`,
    { details: { file }, ...(cause !== undefined && { cause }) },
  )
}

/**
 * Reads a JSON state file of the data dir (catalog.json, virtual-connections.json): absent → `empty()`;
 * unreadable, not JSON (a truncated or damaged file) or not of the schema's shape → EMULATOR_STATE_INVALID
 * naming the file and, for a wrong shape, the first field that is wrong.
 */
export async function readStateFile<T>(file: string, schema: z.ZodType<T>, empty: () => T): Promise<T> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return empty()
    throw stateInvalid(file, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, e)
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    throw stateInvalid(file, `is not JSON (truncated or damaged: ${(e as Error).message})`, e)
  }
  const parsed = schema.safeParse(value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const at = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : ''
    throw stateInvalid(file, `is not an emulator state file of the expected shape${at}: ${issue?.message ?? 'invalid'}`)
  }
  return parsed.data
}

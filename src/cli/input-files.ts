import { constants } from 'node:fs'
import { access, readFile, stat } from 'node:fs/promises'
import { type ParseError, parse as parseJsonc, printParseErrorCode } from 'jsonc-parser'
import { HyperdeltaError } from '../index.js'

/** Why a file cannot be read, in words (never the raw errno dump). */
function reason(error: unknown): string {
  switch ((error as NodeJS.ErrnoException)?.code) {
    case 'ENOENT':
      return 'no such file'
    case 'EACCES':
    case 'EPERM':
      return 'permission denied'
    case 'EISDIR':
      return 'is a directory, not a file'
    default:
      return (error as Error)?.message ?? String(error)
  }
}

/** The error for a file given with `flag` that cannot be read (exit 3: bad input, nothing sent). */
export function unreadableFile(flag: string, file: string, error: unknown): HyperdeltaError {
  return new HyperdeltaError('INPUT_UNREADABLE', `${flag} ${file}: cannot read: ${reason(error)}`, {
    cause: error,
    details: { flag, file },
  })
}

/**
 * Fails early, with the flag and the file named, when `file` is not a readable regular file. Streams
 * opened afterwards can still fail (a file removed meanwhile); their readers forward such errors too.
 */
export async function assertReadableFile(flag: string, file: string): Promise<void> {
  try {
    if (!(await stat(file)).isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' })
    await access(file, constants.R_OK)
  } catch (error) {
    throw unreadableFile(flag, file, error)
  }
}

/** A text file's content; a missing or unreadable file is an `INPUT_UNREADABLE` error naming `flag` and `file`. */
export async function readInputText(flag: string, file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    throw unreadableFile(flag, file, error)
  }
}

/** 1-based line and column of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1
  let start = 0
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line += 1
    start = i + 1
  }
  return { line, column: offset - start + 1 }
}

/**
 * Where JSON.parse failed. V8 names the position for some errors only (and Node 20 never gives line and
 * column), so a strict jsonc-parser pass (comments and trailing commas refused) locates the first error.
 */
function jsonSyntaxError(text: string): { offset: number; problem: string } {
  const errors: ParseError[] = []
  parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false })
  const first = errors[0]
  if (!first) return { offset: 0, problem: 'not valid JSON' }
  // 'CloseBraceExpected' → 'close brace expected'
  const words = printParseErrorCode(first.error)
    .replace(/(?<=[a-z])(?=[A-Z])/g, ' ')
    .toLowerCase()
  return { offset: first.offset, problem: words }
}

/**
 * Parses JSON text read from `file`. A syntax error is an `INPUT_INVALID` error naming file, line and
 * column (`line` is added to the line of the text within the file, for NDJSON).
 */
export function parseJsonText(file: string, text: string, firstLine = 1): unknown {
  try {
    return JSON.parse(text)
  } catch {
    const { offset, problem } = jsonSyntaxError(text)
    const { line, column } = lineAndColumn(text, offset)
    const at = { file, line: line + firstLine - 1, column }
    throw new HyperdeltaError('INPUT_INVALID', `${file}:${at.line}:${at.column}: malformed JSON: ${problem}`, {
      details: at,
    })
  }
}

/** Reads and parses a JSON file given with `flag`; unreadable → INPUT_UNREADABLE, malformed → INPUT_INVALID. */
export async function readJsonFile(flag: string, file: string): Promise<unknown> {
  return parseJsonText(file, await readInputText(flag, file))
}

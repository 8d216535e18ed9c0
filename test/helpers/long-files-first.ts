import { relative } from 'node:path'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

// Vitest starts the files it measured as slow first, but a fresh clone (CI) has no measurements, and then small
// files run first: the docs' and scheduling suites are three-line files that start last and leave one worker
// running them alone at the end. These folders hold the files that spawn processes and take tens of seconds;
// starting them first lets the quick files fill the other workers meanwhile.
const LONG_FOLDERS = [
  'test/integration/readme/',
  'test/integration/reliability/',
  'test/integration/probe/',
  'test/integration/plan/',
  'test/integration/cli/',
]

function rank(file: TestSpecification): number {
  const path = relative(process.cwd(), file.moduleId).split('\\').join('/')
  const at = LONG_FOLDERS.findIndex((folder) => path.startsWith(folder))
  return at === -1 ? LONG_FOLDERS.length : at
}

/** Vitest's own order (measured durations when it has them), with the long folders' files moved to the front. */
export class LongFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files)
    return sorted
      .map((file, index) => ({ file, index, rank: rank(file) }))
      .sort((a, b) => a.rank - b.rank || a.index - b.index)
      .map(({ file }) => file)
  }
}

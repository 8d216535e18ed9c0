// hyperdelta/testing: an emulator per test for users testing their own jobs (vitest, node:test, any runner).
export type { RowsOptions } from './read-rows.js'
export {
  type DatasourceSeed,
  type ParquetSeed,
  type RowsSeed,
  startTestEmulator,
  type TestEmulator,
  type TestEmulatorEnv,
  type TestEmulatorOptions,
} from './start-test-emulator.js'

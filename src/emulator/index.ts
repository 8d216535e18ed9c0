// hyperdelta/emulator: a local Tableau REST emulator (node:http + DuckDB) for offline runs and tests.

export {
  FaultController,
  type FaultCounters,
  type FaultRequest,
  JOB_PHASES,
  type JobPhase,
  type ResponseFault,
  ROUTE_NAMES,
  type RouteName,
} from './core/faults.js'
export type { ServerPersonality } from './core/personality.js'
export {
  SiteConcurrency,
  type SiteConcurrencyCounters,
  type SiteConcurrencyOptions,
} from './core/site-concurrency.js'
export { type VdsCounters, VdsFaults, type VdsQuotaOptions } from './core/vds-limits.js'
export type { EmulatorUser } from './runtime/auth.js'
export { type CreateDatasourceOptions, type Emulator, type EmulatorOptions, startEmulator } from './start-emulator.js'
export type { EmulatorGroup } from './store/virtual-connections.js'

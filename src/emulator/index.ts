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
} from './faults.js'
export {
  SiteConcurrency,
  type SiteConcurrencyCounters,
  type SiteConcurrencyOptions,
} from './http/site-concurrency.js'
export type { ServerPersonality } from './personality.js'
export type { EmulatorUser } from './sessions/auth.js'
export { type CreateDatasourceOptions, type Emulator, type EmulatorOptions, startEmulator } from './start-emulator.js'
export type { EmulatorGroup } from './virtual-connections/catalog.js'
export { type VdsCounters, VdsFaults, type VdsQuotaOptions } from './vizql-data-service/limits.js'

import type { EndpointName } from '../../protocol/endpoints.js'
import { documentedErrors } from '../transport/client-errors.js'

// Virtual Connections methods throw the kind of each Tableau code the reference page documents (the protocol
// catalogue, src/protocol/documented-errors.ts), e.g. VIRTUAL_CONNECTION_NOT_FOUND for 404004, 404006, 404049 and
// 409004; `details.tableauCode` keeps Tableau's code, `details.virtualConnection` the id the call was about.

/** The `mapError` of a Virtual Connections endpoint; the message reads `virtual connection: {what} failed: …`. */
export function mapVirtualConnectionError(
  endpoint: EndpointName,
  what: string,
  virtualConnection?: string,
): (error: unknown) => unknown {
  return documentedErrors(endpoint, { what: `virtual connection: ${what}`, virtualConnection })
}

import type { EndpointName } from '../../protocol/endpoints.js'
import { documentedErrors } from '../transport/client-errors.js'

// Data Sources methods throw the kind of each Tableau code the reference page documents (the protocol catalogue,
// src/protocol/documented-errors.ts); the original API_ERROR is the `cause`, its HTTP details are kept.

/** The `mapError` of a Data Sources endpoint. */
export const typedErrors = (endpoint: EndpointName): ((error: unknown) => unknown) => documentedErrors(endpoint)

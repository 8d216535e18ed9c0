import type { DocumentedError, DocumentedErrorKind } from './documented-error.js'
import { DOCUMENTED_ERRORS } from './documented-errors.js'
import { ENDPOINT_NAMES, ENDPOINTS, type EndpointName } from './endpoints.js'

// Tableau code + endpoint → kind: the one mapping the client uses for every resource. A code the endpoint's own
// table lists is that row's kind; a code listed only for other endpoints of the same resource means the same there
// (the pages list codes per method, not exhaustively: a deleted virtual connection is 404049 on every call). A code
// no page of the resource lists has no kind, and the caller keeps its API_ERROR.

function rowsOf(endpoint: EndpointName, tableauCode: string): readonly DocumentedError[] {
  const own = (DOCUMENTED_ERRORS[endpoint] as readonly DocumentedError[]).filter((r) => r.tableauCode === tableauCode)
  if (own.length > 0) return own
  const resource = ENDPOINTS[endpoint].resource
  return ENDPOINT_NAMES.filter((n) => ENDPOINTS[n].resource === resource).flatMap((n) =>
    (DOCUMENTED_ERRORS[n] as readonly DocumentedError[]).filter((r) => r.tableauCode === tableauCode),
  )
}

/**
 * The kind of a Tableau error `tableauCode` answered by `endpoint`, or undefined when no page documents it.
 * `text` (the answer's summary and detail) picks between rows of one code that differ by their condition.
 */
export function documentedErrorKind(
  endpoint: EndpointName,
  tableauCode: string,
  text = '',
): DocumentedErrorKind | undefined {
  const rows = rowsOf(endpoint, tableauCode)
  const lower = text.toLowerCase()
  const specific = rows.find((r) => r.when?.some((w) => lower.includes(w)))
  return (specific ?? rows.find((r) => r.when === undefined))?.kind
}

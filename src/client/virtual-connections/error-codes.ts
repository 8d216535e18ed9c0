import type { ErrorCode } from '../../error-catalog.js'
import { HyperdeltaError, isHyperdeltaError } from '../../errors.js'

/**
 * The documented error codes of the Virtual Connections API, each as its own `HyperdeltaError` code. Several
 * Tableau codes mean the same thing to a caller (the virtual connection is not there: 404004, 404006, 404049, and
 * 409004 on the permissions calls), so they share one code; `details.tableauCode` keeps the original.
 */
export const VIRTUAL_CONNECTION_ERROR_CODES: Readonly<Record<string, ErrorCode>> = {
  '400000': 'VCONN_BAD_REQUEST',
  '400006': 'VCONN_INVALID_PAGE_NUMBER',
  '400007': 'VCONN_INVALID_PAGE_SIZE',
  '400008': 'VCONN_INVALID_PARAMETER',
  '400009': 'VCONN_INVALID_CAPABILITY',
  '400049': 'VCONN_TAGS_ADD_FAILED',
  '400058': 'VCONN_REVISIONS_FAILED',
  '400077': 'VCONN_TAG_DELETE_FAILED',
  '400200': 'VCONN_DOWNLOAD_FAILED',
  '400201': 'VCONN_PUBLISH_FAILED',
  '400203': 'VCONN_UPDATE_FAILED',
  '403004': 'VCONN_FORBIDDEN',
  '403014': 'VCONN_PAGE_SIZE_LIMIT_EXCEEDED',
  '403053': 'VCONN_REVISION_HISTORY_DISABLED',
  '403054': 'VCONN_FORBIDDEN',
  '403173': 'VCONN_FORBIDDEN',
  '403174': 'VCONN_FORBIDDEN',
  '403175': 'VCONN_FORBIDDEN',
  '403176': 'VCONN_OWNER_CHANGE_FORBIDDEN',
  '403177': 'VCONN_PROJECT_MOVE_FORBIDDEN',
  '403178': 'VCONN_MOVE_FORBIDDEN',
  '404000': 'VCONN_SITE_NOT_FOUND',
  '404002': 'VCONN_USER_NOT_FOUND',
  '404004': 'VCONN_NOT_FOUND',
  '404006': 'VCONN_NOT_FOUND',
  '404007': 'VCONN_TAG_NOT_FOUND',
  '404012': 'VCONN_GROUP_NOT_FOUND',
  '404013': 'VCONN_CAPABILITY_NOT_ASSIGNED',
  '404014': 'VCONN_CAPABILITY_NOT_FOUND',
  '404049': 'VCONN_NOT_FOUND',
  '405000': 'VCONN_METHOD_NOT_ALLOWED',
  '409004': 'VCONN_NOT_FOUND',
  '409122': 'VCONN_DELETE_FAILED',
  '409124': 'VCONN_NAME_CONFLICT',
}

/**
 * Turns the transport's API_ERROR into the documented code (the message keeps Tableau's code, summary and
 * detail; `cause` is the original). Anything else, and undocumented codes, pass through unchanged.
 */
export function mapVirtualConnectionError(
  what: string,
  context: Record<string, unknown> = {},
): (error: unknown) => unknown {
  return (error) => {
    if (!isHyperdeltaError(error, 'API_ERROR')) return error
    const { tableauCode, summary, detail, status, method, url } = error.details
    const code = typeof tableauCode === 'string' ? VIRTUAL_CONNECTION_ERROR_CODES[tableauCode] : undefined
    if (code === undefined) return error
    const why = [tableauCode, summary, detail].filter((s) => typeof s === 'string' && s !== '')
    return new HyperdeltaError(code, `virtual connection: ${what} failed: ${why.join(' ')}`, {
      cause: error,
      retryable: false,
      details: {
        ...context,
        tableauCode,
        status,
        method,
        url,
      },
    })
  }
}

/**
 * A REST error the emulator answers with the documented envelope (docs/protocol.md §2.6). Handlers throw it;
 * the server renders it in XML or JSON.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError'
  constructor(
    readonly status: number,
    readonly code: string,
    readonly summary: string,
    readonly detail: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(`${status} ${code} ${summary}: ${detail}`)
  }
}

export const badRequest = (detail: string): ApiError => new ApiError(400, '400000', 'Bad Request', detail)
export const invalidParameter = (detail: string): ApiError =>
  new ApiError(400, '400008', 'Invalid parameter value', detail)
export const signInError = (): ApiError =>
  new ApiError(401, '401001', 'Signin Error', 'Error signing in to Tableau Server')
export const noCredentials = (): ApiError =>
  new ApiError(401, '401000', 'Unauthorized Access', 'No authentication credentials were provided.')
export const invalidCredentials = (): ApiError =>
  new ApiError(401, '401002', 'Unauthorized Access', 'Invalid authentication credentials were provided.')
export const siteNotFound = (site: string): ApiError =>
  new ApiError(404, '404000', 'Site not found', `Site '${site}' could not be found.`)
export const resourceNotFound = (path: string): ApiError =>
  new ApiError(404, '404003', 'Resource Not Found', `Unknown resource '${path}' specified in URI.`)

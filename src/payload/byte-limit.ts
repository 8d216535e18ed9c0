import { payloadError } from './payload-errors.js'

/**
 * The byte budget for one payload file given the server's `max_size_in_mb`: the one meaning of
 * `maxSizeInMb` everywhere in hyperdelta (writeChangeFiles, planChanges, pushChanges, the CLI).
 * INFERRED (spec §10.4): whether Tableau's "MB" means 10^6 or 2^20 bytes is unknown, so the default
 * stays below `limit × 10^6` with a 5 % margin. Edit here if a real server says otherwise; callers
 * can always pass an exact `maxBytes`.
 */
export function payloadByteLimit(maxSizeInMb: number): number {
  if (!Number.isFinite(maxSizeInMb) || maxSizeInMb <= 0) {
    throw payloadError('PAYLOAD_OPTIONS_INVALID', `maxSizeInMb must be a positive number, got ${maxSizeInMb}`, {
      maxSizeInMb,
    })
  }
  return Math.floor(maxSizeInMb * 1_000_000 * 0.95)
}

/** Tableau's default `api.server.update_uploaded_file.max_size_in_mb` since Server 2022.1 / Cloud March 2022. */
export const DEFAULT_MAX_SIZE_IN_MB = 100

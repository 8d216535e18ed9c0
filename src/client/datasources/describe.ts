import { isHyperdeltaError } from '../../errors.js'
import type { Send } from '../transport/api-request.js'
import { vizqlReader } from '../vizql-data-service/endpoints.js'
import { type DescribedColumn, describedColumns } from '../vizql-data-service/vds-metadata.js'

/** A published data source's columns as the server describes them, or why it cannot. */
export type DatasourceDescription =
  | {
      readonly available: true
      readonly datasourceId: string
      /** The columns, in the server's order; each says which facts the server did not give. */
      readonly columns: readonly DescribedColumn[]
    }
  | { readonly available: false; readonly datasourceId: string; readonly reason: string }

/**
 * Describes a data source through the VizQL Data Service's read-metadata. A server without the service,
 * or one that refuses to describe this data source, gives `available: false` with the reason: never a guess.
 */
export async function describeDatasource(send: Send, datasourceId: string): Promise<DatasourceDescription> {
  try {
    const columns = describedColumns(await vizqlReader(send).readMetadata(datasourceId))
    if (columns.length === 0) {
      return { available: false, datasourceId, reason: 'the VizQL Data Service listed no columns' }
    }
    return { available: true, datasourceId, columns }
  } catch (error) {
    // Authentication and network failures are the run's problem; a refusal of this method is "not available".
    if (!isHyperdeltaError(error, 'API_ERROR') || error.details.status >= 500 || error.details.status === 401) {
      throw error
    }
    return {
      available: false,
      datasourceId,
      reason: `the VizQL Data Service did not describe it (HTTP ${error.details.status}${error.details.tableauCode ? ` ${error.details.tableauCode}` : ''}): ${error.message}`,
    }
  }
}

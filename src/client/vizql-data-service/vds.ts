import { z } from 'zod'

// The VizQL Data Service (VDS): `POST /api/v1/vizql-data-service/{read-metadata,query-datasource}` on the same
// server, authenticated with the REST session token. It returns a published data source's rows as JSON, which is how
// `probe` and `verify` read back what a job really changed. Only the subset they use is typed here.

export type VdsAggregate = 'SUM' | 'COUNT' | 'COUNTD' | 'MIN' | 'MAX' | 'AVG'

/** A field to return: a column, optionally aggregated. */
export interface VdsField {
  fieldCaption: string
  function?: VdsAggregate
  fieldAlias?: string
  sortDirection?: 'ASC' | 'DESC'
  sortPriority?: number
}

/** The filters `verify` and `probe` use. */
export type VdsFilter =
  | { filterType: 'SET'; field: { fieldCaption: string }; values: (string | number | boolean)[]; exclude?: boolean }
  | {
      filterType: 'QUANTITATIVE_NUMERICAL'
      field: { fieldCaption: string }
      quantitativeFilterType: 'RANGE' | 'MIN' | 'MAX' | 'ONLY_NULL' | 'ONLY_NON_NULL'
      min?: number
      max?: number
    }

export interface VdsQuery {
  fields: VdsField[]
  filters?: VdsFilter[]
}

/**
 * `data` is required: an answer without it is refused (RESPONSE_INVALID), never read as "no rows", which `verify`
 * would count as zero rows or as every key absent. A field needs a name (`fieldName` or `fieldCaption`): one with
 * neither is refused rather than dropped. Other field properties may be absent (Tableau's own VDS client reads all
 * of them as optional; see docs/protocol.md §12).
 */
const vdsData = { error: 'element "data" is missing' }
export const vdsQueryOutputSchema = z.object({ data: z.array(z.record(z.string(), z.unknown()), vdsData) })
export const vdsMetadataOutputSchema = z.object({
  data: z.array(
    z
      .looseObject({
        fieldName: z.string().optional(),
        fieldCaption: z.string().optional(),
        dataType: z.string().optional(),
      })
      .refine((f) => f.fieldName !== undefined || f.fieldCaption !== undefined, {
        error: 'a field has neither "fieldName" nor "fieldCaption"',
      }),
    vdsData,
  ),
})
export type VdsFieldMetadata = z.infer<typeof vdsMetadataOutputSchema>['data'][number]

/** Body of `query-datasource`; `disaggregate` returns row-level data instead of distinct combinations. */
export function vdsQueryBody(datasourceLuid: string, query: VdsQuery, disaggregate: boolean): string {
  return JSON.stringify({ datasource: { datasourceLuid }, query, options: { returnFormat: 'OBJECTS', disaggregate } })
}

/** Body of `read-metadata`. */
export function vdsMetadataBody(datasourceLuid: string): string {
  return JSON.stringify({ datasource: { datasourceLuid } })
}

/** Reads a published data source through the VDS (implemented by `TableauClient.vizql`). */
export interface VizqlReader {
  readMetadata(datasourceLuid: string, signal?: AbortSignal): Promise<VdsFieldMetadata[]>
  queryDatasource(
    datasourceLuid: string,
    query: VdsQuery,
    /** `maxResponseBytes`: read at most this much of the answer, else RESPONSE_TOO_LARGE (see vds-capped-query.ts). */
    options?: { disaggregate?: boolean; signal?: AbortSignal; maxResponseBytes?: number },
  ): Promise<Record<string, unknown>[]>
}

/** The fields of one apache-arrow `Data` chunk the columnar path reads (recognised by shape; apache-arrow is never imported). */
export interface ArrowData {
  readonly length: number
  readonly offset?: number
  readonly nullCount?: number
  readonly values?: unknown
  readonly valueOffsets?: unknown
  readonly nullBitmap?: Uint8Array | null
  readonly variadicBuffers?: readonly Uint8Array[]
  readonly dictionary?: { readonly data: readonly ArrowData[] }
  readonly type: {
    readonly typeId: number
    readonly bitWidth?: number
    readonly isSigned?: boolean
    readonly precision?: number
    readonly scale?: number
    readonly unit?: number
  }
}

/** Thrown when a value is invalid: carries the row (within the batch) so the error names it. */
export class ArrowBadValue {
  constructor(
    readonly row: number,
    readonly reason: string,
  ) {}
}

import { createRequire } from 'node:module'
import { compress as compressJs, uncompress as uncompressJs } from 'snappyjs'
import { payloadError } from '../payload-errors.js'

/**
 * The SNAPPY compressor of change-file pages: native when it loads here, pure JavaScript otherwise.
 *
 * Native is the optional dependency `snappy` (napi-rs bindings over the Rust `snap` crate, with a
 * prebuilt binary per platform from the npm registry, no install script). On the benchmark's pages
 * it compresses markedly faster than snappyjs (bench/results.md); that matters most on one core,
 * where compression runs on the caller's thread. snappyjs (MIT, no dependencies) is the fallback
 * wherever the binary is missing. Both write standard raw SNAPPY blocks that every Parquet reader
 * decodes; their bytes may differ slightly, so a process uses one of them for every page it writes.
 */
export type SnappyImplementation = 'native' | 'js'

/** How `parquetFormat({ snappy })` picks: `auto` (default) is native where it loads, else `js`. */
export type SnappyChoice = SnappyImplementation | 'auto'

interface NativeSnappy {
  compressSync(input: Uint8Array, options?: { copyOutputData?: boolean }): Uint8Array
  uncompressSync(input: Uint8Array, options?: { asBuffer?: boolean }): Uint8Array
}

const require = createRequire(import.meta.url)
/**
 * Copy the output into memory V8 allocates: by default the binding hands out its own buffer, sized for
 * the worst case and freed only when V8 collects it, which raised peak RSS in the memory benchmark
 * (bench/results.md).
 */
const COPY = { copyOutputData: true }
let native: { path: string; binding: NativeSnappy } | null | undefined

/**
 * The native binding, or null where it does not install or load. Checked once, by a round trip
 * through snappyjs's decoder, so a broken binary falls back instead of writing pages nobody reads.
 */
function loadNative(): { path: string; binding: NativeSnappy } | null {
  if (native !== undefined) return native
  native = null
  try {
    const path = require.resolve('snappy')
    const binding = require(path) as NativeSnappy
    const probe = new TextEncoder().encode('hyperdelta snappy probe: '.repeat(64))
    const back = uncompressJs(binding.compressSync(probe, COPY))
    if (back.length === probe.length && back.every((b, i) => b === probe[i])) native = { path, binding }
  } catch {
    // Not installed for this platform, or the binary does not load: snappyjs it is.
  }
  return native
}

/**
 * The implementation `choice` selects. A value that is not a choice, or `native` where it does not
 * load, is a PAYLOAD_OPTIONS_INVALID error.
 */
export function resolveSnappy(choice: SnappyChoice): SnappyImplementation {
  if (choice !== 'auto' && choice !== 'native' && choice !== 'js') {
    throw payloadError('PAYLOAD_OPTIONS_INVALID', `snappy must be 'auto', 'native' or 'js', got ${String(choice)}`, {
      snappy: choice,
    })
  }
  if (choice === 'js') return 'js'
  if (loadNative()) return 'native'
  if (choice === 'auto') return 'js'
  throw payloadError(
    'PAYLOAD_OPTIONS_INVALID',
    `snappy: 'native' was asked for, but the optional dependency "snappy" is not installed or does not load on ${process.platform}-${process.arch}; use 'auto' or 'js'`,
    { snappy: choice },
  )
}

/** Compresses one buffer with `implementation` (which `resolveSnappy` returned). */
export function snappyCompress(implementation: SnappyImplementation, input: Uint8Array): Uint8Array {
  return implementation === 'native' ? loadNative()!.binding.compressSync(input, COPY) : compressJs(input)
}

/** Decompresses one SNAPPY block: natively where the binding loads, else with snappyjs. */
export function snappyUncompressAny(input: Uint8Array): Uint8Array {
  const binding = loadNative()?.binding
  if (!binding) return uncompressJs(input)
  // A plain Uint8Array view, not a Buffer: Buffer#slice shares memory where Uint8Array#slice copies.
  const out = binding.uncompressSync(input, { asBuffer: true })
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
}

/** What a worker thread needs to compress exactly as this thread: the module paths it `require`s and the native options. */
export interface SnappyWorkerSetup {
  readonly js: string
  readonly native: string | undefined
  readonly nativeOptions: typeof COPY
}

export function snappyWorkerSetup(): SnappyWorkerSetup {
  return { js: require.resolve('snappyjs'), native: loadNative()?.path, nativeOptions: COPY }
}

// Every bound the archive readers enforce, in one place (documented in docs/limits.md).
// Each is far above what a real image needs and low enough that hostile input stays small.
import { LayerscopeError } from '../errors'

/**
 * zstd window: 2^29 = 512 MiB, containerd's limit (klauspost/compress zstd's default
 * WithDecoderMaxWindow, MaxWindowSize = 1 << 29): a layer Docker can read, we read. `zstd -d`
 * accepts 2^27 by default. The decoder must hold the whole window, so this is its memory bound.
 */
export const ZSTD_MAX_WINDOW_LOG = 29
/** Tar entries in one layer. */
export const MAX_ENTRIES_PER_LAYER = 4_000_000
/** Tar entries summed over the layers of one image. */
export const MAX_ENTRIES_PER_IMAGE = 10_000_000
/** Bytes of one entry path (after PAX / GNU long-name resolution). */
export const MAX_PATH_BYTES = 32 * 1024
/** Segments of one entry path. */
export const MAX_PATH_DEPTH = 4096
/** Any JSON blob (manifest, index, config, manifest.json). */
export const MAX_JSON_BYTES = 16 * 1024 * 1024
/** Files kept from the outer tar of one archive (layers, configs, manifests). */
export const MAX_BLOBS = 100_000
/** A GNU long name or PAX record block. */
export const MAX_META_BYTES = 1024 * 1024
/**
 * Logical bytes of sparse files hashed in one layer (each file's real size, holes included).
 * Not an error: a sparse file past it keeps no digest ("sparse file too large to hash"), so a
 * tiny archive claiming terabytes of holes costs no hashing time.
 */
export const MAX_SPARSE_HASH_BYTES = 16 * 1024 ** 3
/** Nested OCI indexes. */
export const MAX_INDEX_DEPTH = 8

export type LimitName =
  | 'zstdWindow'
  | 'entriesPerLayer'
  | 'entriesPerImage'
  | 'pathBytes'
  | 'pathDepth'
  | 'jsonBytes'
  | 'blobs'
  | 'metaBytes'
  | 'indexDepth'

/** A limit crossed: ARCHIVE_INVALID, with detail.limit naming which one. */
export function limitError(limit: LimitName, max: number, message: string): LayerscopeError {
  return new LayerscopeError('ARCHIVE_INVALID', `${message} (limit ${limit}: ${max.toLocaleString('en-US')}; see docs/limits.md).`, { limit, max })
}

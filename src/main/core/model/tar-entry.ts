// One tar entry as the readers hand it on: the shape archive produces and model stores.
export type TarType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'other'

export interface TarHeader {
  /** Normalised path ("usr/bin/x"); "" for the archive root. Data, never a path to open. */
  path: string
  /** The raw name as stored (after long-name/PAX resolution). */
  rawPath: string
  type: TarType
  /** Bytes of content that follow the header (regular files; 0 for links and dirs). */
  size: number
  mode: number
  uid: number
  gid: number
  /** Seconds since the epoch. */
  mtime: number
  /** Symlink target or hard-link source, as stored. */
  linkName: string
  /** A sparse regular file (GNU or PAX): `size` is its real size; its sink gets the extracted bytes, holes as zeros. */
  sparse?: boolean
}

/** Receives one entry's content; returning a promise pauses the reader (backpressure). */
export interface EntrySink {
  write(chunk: Buffer): void | Promise<void>
  /**
   * Optional, and then what the tar reader calls instead of write for part of a chunk: the
   * content bytes buf[start, end), so no Buffer view is made per entry for a sink that only
   * reads them (hashing 100k small files).
   */
  writeAt?(buf: Buffer, start: number, end: number): void | Promise<void>
  end(): void | Promise<void>
  /** The input stopped early (error, cancel): free what the sink holds (a decoder process). */
  abort?(): void
}


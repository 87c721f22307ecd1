/** The typed arrays the column stores (entries, waste) keep their data in. */
export type Column = Float64Array | Int32Array | Uint32Array | Uint16Array | Uint8Array

/** A copy of `a` with room for `n` items (columns double when full, so appends stay O(1)). */
export function grow<T extends Column>(a: T, n: number): T {
  const b = new (a.constructor as new (n: number) => T)(n)
  b.set(a)
  return b
}

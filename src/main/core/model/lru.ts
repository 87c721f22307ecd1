/**
 * A bounded map that forgets the least recently used entry first: the one cache shape the
 * services share (open analyses, kept diffs, tree scopes). Map keeps insertion order, so
 * moving a key to the end on use makes the first key the oldest.
 */
export class Lru<K, V> {
  private readonly map = new Map<K, V>()

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`Lru max must be a whole number of at least 1 (got ${max}).`)
  }

  get size(): number {
    return this.map.size
  }

  has(key: K): boolean {
    return this.map.has(key)
  }

  /** The value, marked as just used. */
  get(key: K): V | undefined {
    const v = this.map.get(key)
    if (v === undefined) return undefined
    this.map.delete(key)
    this.map.set(key, v)
    return v
  }

  /** The value without marking it used. */
  peek(key: K): V | undefined {
    return this.map.get(key)
  }

  set(key: K, value: V): this {
    this.map.delete(key)
    this.map.set(key, value)
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value as K)
    return this
  }

  delete(key: K): boolean {
    return this.map.delete(key)
  }

  clear(): void {
    this.map.clear()
  }

  /** Oldest first. */
  values(): IterableIterator<V> {
    return this.map.values()
  }
}

// Every path of one image, interned once: id -> (parent id, name), and per directory a
// name -> id map. Names are stored once (the map key is the same string), so a million
// paths cost roughly their names plus a few bytes each.
export const ROOT = 0

export class PathTable {
  private parents = new Int32Array(1024)
  readonly names: string[] = ['']
  private kids: (Map<string, number> | undefined)[] = [undefined]
  private dirPathCache = new Map<number, string>()

  get size(): number {
    return this.names.length
  }

  parent(id: number): number {
    return this.parents[id]!
  }

  name(id: number): string {
    return this.names[id]!
  }

  children(id: number): Map<string, number> | undefined {
    return this.kids[id]
  }

  private lastDir = ''
  private lastDirId = ROOT

  /** Id of a normalised path ("" = root), created with its parents when new. */
  intern(path: string): number {
    return this.internAt(path, 0, path.length)
  }

  /**
   * intern(s.slice(start, end)) without that slice: the cache decoder reads a million paths out
   * of one string, and a string per path (besides its name) was most of its garbage.
   */
  internAt(s: string, start: number, end: number): number {
    if (start >= end) return ROOT
    // Tar order keeps siblings together: reuse the last directory instead of walking from the root.
    const slash = s.lastIndexOf('/', end - 1)
    if (slash < start) return this.child(ROOT, s.slice(start, end))
    // Same directory as the last path: compared in place, no slice of it.
    if (this.lastDirId === ROOT || slash - start !== this.lastDir.length || !s.startsWith(this.lastDir, start)) {
      const dir = s.slice(start, slash)
      this.lastDirId = this.walk(dir)
      this.lastDir = dir
    }
    return this.child(this.lastDirId, s.slice(slash + 1, end))
  }

  private walk(path: string): number {
    let id = ROOT
    let start = 0
    for (;;) {
      const slash = path.indexOf('/', start)
      const name = slash < 0 ? path.slice(start) : path.slice(start, slash)
      id = this.child(id, name)
      if (slash < 0) return id
      start = slash + 1
    }
  }

  /** Id of a path if it is known, else -1. */
  lookup(path: string): number {
    if (path === '') return ROOT
    let id = ROOT
    for (const name of path.split('/')) {
      if (name === '') continue
      const next = this.kids[id]?.get(name)
      if (next === undefined) return -1
      id = next
    }
    return id
  }

  child(parent: number, name: string): number {
    let m = this.kids[parent]
    if (!m) {
      m = new Map()
      this.kids[parent] = m
    }
    const found = m.get(name)
    if (found !== undefined) return found
    // A name sliced out of a long path would keep the whole path string alive; copy it.
    if (name.length >= 13) name = (name + ' ').slice(0, -1)
    const id = this.names.length
    this.names.push(name)
    this.kids.push(undefined)
    if (id >= this.parents.length) {
      const grown = new Int32Array(this.parents.length * 2)
      grown.set(this.parents)
      this.parents = grown
    }
    this.parents[id] = parent
    m.set(name, id)
    return id
  }

  /** Full normalised path of an id. Directory prefixes are memoised. Iterative: any depth. */
  path(id: number): string {
    if (id === ROOT) return ''
    const p = this.parents[id]!
    const name = this.names[id]!
    if (p === ROOT) return name
    return `${this.dirPath(p)}/${name}`
  }

  private dirPath(id: number): string {
    const hit = this.dirPathCache.get(id)
    if (hit !== undefined) return hit
    // Climb to the root or to a memoised ancestor, then join downwards.
    const names: string[] = []
    let prefix = ''
    for (let p = id; p !== ROOT; p = this.parents[p]!) {
      const cached = p === id ? undefined : this.dirPathCache.get(p)
      if (cached !== undefined) {
        prefix = cached
        break
      }
      names.push(this.names[p]!)
    }
    names.reverse()
    const s = prefix ? `${prefix}/${names.join('/')}` : names.join('/')
    if (this.dirPathCache.size > 200_000) this.dirPathCache.clear()
    this.dirPathCache.set(id, s)
    return s
  }

  isAncestor(anc: number, id: number): boolean {
    for (let p = id; p !== ROOT; p = this.parents[p]!) if (p === anc) return true
    return anc === ROOT
  }
}

// The layers an analysis still running has read so far, so a front can open one before the
// stacking: its own entries (its tar as read: paths, kinds, sizes, whiteouts as deletions) as
// a tree with folder totals. It holds the entries the read made (never a copy) and the job's
// path table. Change kinds (added, changed) need every layer below: while one is unread, the
// tree carries none, and says how many are missing; once they are all read, the kinds come
// from stackLayers, the stacker's own rule.
import type { FileNode } from '../../../shared/models/analysis'
import { LayerscopeError } from '../errors'
import { LayerEntries } from '../model/layer-entries'
import { Lru } from '../model/lru'
import type { PathTable } from '../model/path-table'
import { ModelTrees } from './analyzed-image'
import { Refs, stackLayers } from './stack'

export interface RunningLayerTree {
  node: FileNode
  children: FileNode[]
  total: number
  /** False while a layer below is unread: nodes then carry no added/changed kind. */
  changeKinds: boolean
  /** Layers below this one not read yet. */
  unreadBelow: number
}

/** Views kept per job: each holds one scope's roll-ups (and with kinds, one stack). */
const MAX_VIEWS = 2

export class RunningLayers {
  private paths: PathTable | null = null
  private diffIds: string[] | null = null
  private cached: (diffId: string) => boolean = () => false
  /** Entries by diff ID: read by this job's pipeline, or loaded from the cache on request. */
  private readonly entries = new Map<string, LayerEntries>()
  private views = new Lru<string, ModelTrees>(MAX_VIEWS)

  constructor(
    /** Where this job's image is named in messages. */
    private readonly label: string,
    /** Loads a cached layer into the job's path table (null when the entry is gone). */
    private readonly loadCached: (diffId: string, paths: PathTable) => LayerEntries | null
  ) {}

  /** A read starts with this path table (again after a damaged cache entry: forget the last one). */
  begin(paths: PathTable): void {
    this.paths = paths
    this.entries.clear()
    this.views = new Lru(MAX_VIEWS)
  }

  /** The image's layers, bottom first, once described or peeked; `cached` ones are served from the cache. */
  setLayers(diffIds: string[], cached: (diffId: string) => boolean): void {
    if (this.diffIds) return
    this.diffIds = diffIds
    this.cached = cached
  }

  /** The pipeline read a layer: keep a reference to its entries. */
  layerRead(diffId: string, entries?: LayerEntries): void {
    if (entries && !this.entries.has(diffId)) this.entries.set(diffId, entries)
  }

  /** Entries this job already holds for a diff ID (a cached layer someone opened), so the read reuses them. */
  held(diffId: string): LayerEntries | undefined {
    return this.entries.get(diffId)
  }

  /** Whether layer `i` can be shown now (read, or in the cache). */
  private available(i: number): LayerEntries | null {
    const d = this.diffIds?.[i]
    if (d === undefined || !this.paths) return null
    const got = this.entries.get(d)
    if (got) return got
    if (!this.cached(d)) return null
    const loaded = this.loadCached(d, this.paths)
    if (loaded) this.entries.set(d, loaded)
    return loaded
  }

  tree(layer: number, path: string, sort: 'size' | 'name', offset: number, limit: number): RunningLayerTree {
    const count = this.diffIds?.length
    if (count !== undefined && layer >= count) {
      throw new LayerscopeError('INVALID_INPUT', `Layer ${layer} does not exist: ${this.label} has ${count} layers (0-${count - 1}).`)
    }
    const own = this.available(layer)
    if (!own || !this.paths) {
      throw new LayerscopeError('NOT_FOUND', `Layer ${layer} of ${this.label} is not read yet: its files show as soon as it is read.`)
    }
    const below: LayerEntries[] = []
    let unreadBelow = 0
    for (let i = 0; i < layer; i++) {
      const e = this.available(i)
      if (!e) unreadBelow++
      below.push(e ?? new LayerEntries(this.paths))
    }
    const changeKinds = unreadBelow === 0
    const key = `${layer}:${changeKinds}`
    let view = this.views.get(key)
    if (!view) {
      const layers = [...below, own]
      const paths = this.paths
      // Kinds: the stacker's own pass over layers 0..layer; without them no stack is needed.
      const stack = changeKinds ? stackLayers(paths, new Refs(layers), layer, true) : { vis: new Int32Array(0) }
      view = new ModelTrees({ paths, layers, stack })
      this.views.set(key, view)
    }
    const page = view.tree(layer, 'layer', path, sort, offset, limit)
    if (!changeKinds) {
      const strip = (n: FileNode): FileNode => {
        // A whiteout deletes whatever it names below, read or not; other kinds must wait.
        if (!n.whiteout) delete n.change
        return n
      }
      strip(page.node)
      page.children.forEach(strip)
    }
    return { ...page, changeKinds, unreadBelow }
  }
}

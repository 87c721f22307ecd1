// A LayerSource made up in memory, for unit tests of the analysis service (no engine): three
// layers, each read when the test opens its gate, in an order the test chooses, each told to
// the service as it is read (with its entries, as the pipeline tells it).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach } from 'vitest'
import type { EngineClient } from '../../engine/engine-client'
import { LayerEntries } from '../../model/layer-entries'
import type { PathTable } from '../../model/path-table'
import type { DescribedImage, LayerSource, ReadImageResult, ReadLayersOptions, SourceLayer } from '../../sources/layer-source'
import { AnalysisService } from '../analysis-service'

export const hex = (c: string): string => `sha256:${c.repeat(64)}`
/** The three layers' diff IDs, bottom first. */
export const D = [hex('a'), hex('b'), hex('c')]

export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void
  const promise = new Promise<void>((r) => (resolve = r))
  return { promise, resolve }
}

/** Layer i's entries, as the pipeline would make them from its tar. */
export type MakeEntries = (i: number, paths: PathTable) => LayerEntries

/** One regular file a layer: `f{i}`, (i + 1) × 100 bytes. */
const oneFile: MakeEntries = (i, paths) => {
  const entries = new LayerEntries(paths)
  entries.addHeader({ path: `f${i}`, type: 'file', size: (i + 1) * 100, mode: 0o644, uid: 0, gid: 0, mtime: 0, linkName: '' } as never)
  return entries
}

/** An engine-like source ("fake:1"), described without a read; 2,000 bytes of export a layer. */
export class FakeSource implements LayerSource {
  readonly source = { kind: 'engine' as const, ref: 'fake:1' }
  readonly label = 'fake:1'
  readonly readPhase = 'export' as const
  readonly gates = D.map(() => deferred())
  readStarted = deferred()
  /** The layer whose read breaks ("the stream broke"); -1: none. */
  failAt = -1
  /** The entries told to the service, in the order read. */
  told: LayerEntries[] = []
  readonly described: DescribedImage = { id: hex('f'), repoTags: ['fake:1'], layers: D.map((diffId) => ({ diffId })), config: { os: 'linux', architecture: 'amd64' } }
  constructor(
    private readonly make: MakeEntries = oneFile,
    private readonly order: number[] = D.map((_, i) => i)
  ) {}
  async describe(): Promise<DescribedImage | null> {
    return this.described
  }
  keyOf(id: string): string {
    return `fake:${id}`
  }
  async read(_image: DescribedImage | null, opts: ReadLayersOptions): Promise<ReadImageResult> {
    this.readStarted.resolve()
    const layers: SourceLayer[] = []
    for (const i of this.order) {
      await this.gates[i]!.promise
      if (i === this.failAt) throw new Error('the stream broke')
      const entries = this.make(i, opts.paths)
      this.told.push(entries)
      opts.onBytes?.(this.told.length * 2000, D.length * 2000)
      opts.onLayerRead?.(D[i]!, entries)
      layers[i] = { diffId: D[i]!, entries }
    }
    return { format: 'docker-archive', id: this.described.id, config: this.described.config!, repoTags: ['fake:1'], layers, skipped: new Set() }
  }
}

/** A service with no engine (the sources are fakes), caching in `dir`. */
export function serviceOn(dir: string): AnalysisService {
  return new AnalysisService({ engine: () => ({}) as EngineClient, cacheDir: dir })
}

/** Before each test a new service on a new temp cache folder (handed to `use`); the folder goes after it. */
export function serviceEachTest(prefix: string, use: (svc: AnalysisService, dir: string) => void): void {
  let dir = ''
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), prefix))
    use(serviceOn(dir), dir)
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))
}

/** One turn of the event loop: what the service does once a gate opens. */
export const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0))

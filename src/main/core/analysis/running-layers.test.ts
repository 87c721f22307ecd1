// A read layer's tree while its open still runs, on a fake LayerSource (pure unit: no engine,
// a temp cache folder): served from the very entries the read made, without change kinds while
// a layer below is unread, with the finished image's own kinds once they are all read, and a
// clear error before a layer is read and after the job ends.
import { describe, expect, it } from 'vitest'
import type { FileNode } from '../../../shared/models/analysis'
import { LayerEntries } from '../model/layer-entries'
import type { TarHeader } from '../model/tar-entry'
import type { ReadLayersOptions } from '../sources/layer-source'
import type { AnalysisService } from './analysis-service'
import { D, FakeSource, hex, serviceEachTest, serviceOn, tick } from './testdata/fake-source'

const h = (path: string, type: TarHeader['type'], size = 0, mode = 0o644): TarHeader => ({ path, rawPath: path, type, size, mode, uid: 0, gid: 0, mtime: 1, linkName: '' })

/** Each layer's tar, as headers. */
const TARS: TarHeader[][] = [
  [h('etc', 'dir', 0, 0o755), h('etc/os', 'file', 100), h('etc/gone', 'file', 40), h('usr', 'dir', 0, 0o755), h('usr/a', 'file', 1000)],
  [h('etc', 'dir', 0, 0o755), h('etc/os', 'file', 120), h('etc/.wh.gone', 'file'), h('usr', 'dir', 0, 0o755), h('usr/b', 'file', 500), h('usr/c', 'file', 7)],
  [h('app', 'dir', 0, 0o755), h('app/x', 'file', 3)]
]

/** Layer i's entries as a pipeline makes them (every regular file hashed, so the cache keeps them). */
function entriesOf(i: number, paths: ReadLayersOptions['paths']): LayerEntries {
  const entries = new LayerEntries(paths)
  for (const e of TARS[i]!) {
    const at = entries.addHeader(e)
    if (at >= 0 && e.type === 'file' && !e.path.includes('.wh.')) entries.setDigest(entries.allocDigest(at), new Uint8Array(32).fill(i + 1))
  }
  return entries
}

let dir: string
let svc: AnalysisService
serviceEachTest('ls-rl-', (s, d) => ((svc = s), (dir = d)))

const brief = (n: FileNode): unknown => [n.path, n.kind, n.bytes, n.files, n.change ?? null, n.whiteout ?? false]

describe('a read layer of a running analysis', () => {
  it('shows its own entries at once, kinds only once every layer below is read, as the finished image does', async () => {
    const src = new FakeSource(entriesOf, [1, 0, 2])
    const done = svc.openFrom(src, { jobId: 'j1', noCache: true })
    await src.readStarted.promise
    expect(() => svc.layerTree('j1', 1)).toThrow(/Layer 1 of fake:1 is not read yet/)
    src.gates[1]!.resolve()
    await tick()

    // Layer 1 read, layer 0 not: its own files and folder totals, no added/changed yet.
    const root = svc.layerTree('j1', 1, '/', 'name')
    expect(root.changeKinds).toBe(false)
    expect(root.unreadBelow).toBe(1)
    expect(root.node.bytes).toBe(627)
    expect(root.node.files).toBe(3)
    expect(root.children.map(brief)).toEqual([
      ['/etc', 'dir', 120, 1, null, false],
      ['/usr', 'dir', 507, 2, null, false]
    ])
    const etc = svc.layerTree('j1', 1, '/etc', 'name')
    // The whiteout is a deletion whatever lies below.
    expect(etc.children.map(brief)).toEqual([
      ['/etc/gone', 'file', 0, 0, 'deleted', true],
      ['/etc/os', 'file', 120, 1, null, false]
    ])
    // Paging as analysis:tree pages.
    const page = svc.layerTree('j1', 1, '/usr', 'size', 1, 1)
    expect(page.total).toBe(2)
    expect(page.children.map((c) => c.path)).toEqual(['/usr/c'])
    expect(() => svc.layerTree('j1', 1, '/app')).toThrow(/not in layer 1/)
    expect(() => svc.layerTree('j1', 3)).toThrow(/Layer 3 does not exist: fake:1 has 3 layers/)

    src.gates[0]!.resolve()
    await tick()
    const withKinds = svc.layerTree('j1', 1, '/etc', 'name')
    expect(withKinds.changeKinds).toBe(true)
    expect(withKinds.unreadBelow).toBe(0)
    expect(withKinds.children.map(brief)).toEqual([
      ['/etc/gone', 'file', 0, 0, 'deleted', true],
      ['/etc/os', 'file', 120, 1, 'changed', false]
    ])
    const mid = { etc: withKinds, usr: svc.layerTree('j1', 1, '/usr'), root: svc.layerTree('j1', 1, '/') }
    // The bottom layer has nothing below it: every entry is added.
    expect(svc.layerTree('j1', 0, '/etc').children.every((c) => c.change === 'added')).toBe(true)

    src.gates[2]!.resolve()
    const img = await done
    // The finished image's layer tree says exactly the same (the same stacker rule).
    const strip = (t: { node: FileNode; children: FileNode[]; total: number }): unknown => ({ node: t.node, children: t.children, total: t.total })
    expect(strip(mid.etc)).toEqual(strip(img.tree(1, 'layer', '/etc', 'name')))
    expect(strip(mid.usr)).toEqual(strip(img.tree(1, 'layer', '/usr')))
    expect(strip(mid.root)).toEqual(strip(img.tree(1, 'layer', '/')))
    // No copy: the entries the read made are the image's.
    expect(img.layers[1]).toBe(src.told[0])
    expect(img.layers[0]).toBe(src.told[1])
    expect(img.layers[2]).toBe(src.told[2])
    await svc.flush()

    // After the end the job is gone, with words that say so.
    expect(() => svc.layerTree('j1', 1)).toThrow(/No analysis job j1 is running: it has finished, failed or been cancelled/)
  })

  it('serves a layer the cache has before the read reaches it, and the read reuses those entries', async () => {
    const first = new FakeSource(entriesOf, [0, 1, 2])
    for (const g of first.gates) g.resolve()
    await svc.openFrom(first)
    await svc.flush()
    // Another image on the same bottom layer, with a new top layer: layer 0 comes from the cache.
    const src = new FakeSource(entriesOf, [0, 1, 2])
    Object.assign(src.described, { id: hex('e') })
    svc = serviceOn(dir)
    src.described.layers = [{ diffId: D[0]! }, { diffId: hex('d') }]
    src.read = async (_i, opts) => {
      src.readStarted.resolve()
      await src.gates[1]!.promise
      const entries = entriesOf(2, opts.paths)
      opts.onLayerRead?.(hex('d'), entries)
      return {
        format: 'docker-archive',
        id: hex('e'),
        config: src.described.config!,
        repoTags: [],
        layers: [
          { diffId: D[0]!, entries: new LayerEntries(opts.paths) },
          { diffId: hex('d'), entries }
        ],
        skipped: new Set([D[0]!])
      }
    }
    const done = svc.openFrom(src, { jobId: 'j2' })
    await src.readStarted.promise
    await tick()
    const bottom = svc.layerTree('j2', 0, '/usr')
    expect(bottom.changeKinds).toBe(true)
    expect(bottom.children.map(brief)).toEqual([['/usr/a', 'file', 1000, 1, 'added', false]])
    src.gates[1]!.resolve()
    const img = await done
    expect(img.tree(0, 'layer', '/usr').children).toEqual(bottom.children)
    await svc.flush()
  })

  it('answers a clear error for a job it does not know, and forgets a job that failed', async () => {
    expect(() => svc.layerTree('nope', 0)).toThrow(/No analysis job nope is running/)
    const src = new FakeSource(entriesOf, [0, 1, 2])
    src.read = async () => {
      src.readStarted.resolve()
      throw new Error('the stream broke')
    }
    await expect(svc.openFrom(src, { jobId: 'j3', noCache: true })).rejects.toThrow('the stream broke')
    expect(() => svc.layerTree('j3', 0)).toThrow(/No analysis job j3 is running/)
  })
})

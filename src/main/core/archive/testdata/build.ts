// Test helpers: parse in-memory layer tars into an analysed image.
import { LayerEntries } from '../../model/layer-entries'
import { PathTable } from '../../model/path-table'
import { buildImage } from '../../analysis/image-model'
import type { AnalyzedImage } from '../../analysis/analyzed-image'
import { BlobSink, type BlobResult } from '../blob-sink'
import { makeTar, type TestEntry } from './tar-writer'
import { recordEntries } from '../../content/layer-hasher'

/** Feeds a blob through BlobSink in small chunks (exercises header splits). */
export async function parseBlob(paths: PathTable, blob: Buffer, chunk = 700): Promise<{ entries: LayerEntries; result: BlobResult }> {
  const entries = new LayerEntries(paths)
  let result: BlobResult | undefined
  const sink = new BlobSink({
    label: 'test layer',
    diffId: true,
    onLayerEntry: recordEntries(entries),
    done: (r) => {
      entries.linkDigests()
      result = r
    }
  })
  for (let i = 0; i < blob.length; i += chunk) {
    const r = sink.write(blob.subarray(i, i + chunk))
    if (r) await r
  }
  await sink.end()
  if (result!.error) throw result!.error
  return { entries, result: result! }
}

export async function imageFromLayers(layers: TestEntry[][], history?: Array<{ created_by: string; empty_layer?: boolean }>): Promise<AnalyzedImage> {
  const paths = new PathTable()
  const parsed = []
  for (const [i, l] of layers.entries()) {
    const { entries } = await parseBlob(paths, makeTar(l))
    parsed.push({ diffId: `sha256:${String(i).padStart(64, '0')}`, entries })
  }
  return buildImage({
    key: 'test',
    source: { kind: 'archive', path: '/test.tar' },
    format: 'docker-archive',
    id: 'sha256:' + 'f'.repeat(64),
    repoTags: [],
    config: { history: history ?? layers.map((_, i) => ({ created_by: `/bin/sh -c step${i}` })) },
    paths,
    layers: parsed,
    cachedLayers: 0,
    elapsedMs: 0
  })
}

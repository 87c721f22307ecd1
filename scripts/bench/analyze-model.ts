// CPU of building the model (stack, waste, duplicates, savings) from cached layers, repeated:
// the part of a first analysis that runs after the export's last byte.
//   node --import tsx scripts/bench/analyze-model.ts CACHE_DIR IMAGE_ID [RUNS]
import { LayerCache } from '../../src/main/core/cache/layer-cache'
import { buildImage } from '../../src/main/core/analysis/image-model'
import { PathTable } from '../../src/main/core/model/path-table'

const [dir, id, runsArg] = process.argv.slice(2)
const cache = new LayerCache(dir!)
const img = cache.loadImage(id!)
if (!img) throw new Error(`no cached image ${id}`)
const diffIds = img.config.rootfs?.diff_ids ?? []
const times: number[] = []
for (let r = 0; r < Number(runsArg ?? 5); r++) {
  const paths = new PathTable()
  const layers = diffIds.map((d) => ({ diffId: d, entries: cache.loadLayer(d, paths)! }))
  const c0 = process.cpuUsage()
  buildImage({ key: 'k', source: { kind: 'engine', ref: 'x' }, format: 'docker-archive', id: id!, repoTags: [], config: img.config, paths, layers, cachedLayers: 0, elapsedMs: 0 })
  const c = process.cpuUsage(c0)
  times.push((c.user + c.system) / 1000)
}
console.log(`buildImage CPU ms: ${times.map((t) => t.toFixed(0)).join(', ')}`)

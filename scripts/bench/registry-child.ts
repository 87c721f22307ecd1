// The measured side of scripts/bench/registry.ts: analyses one registry image with a fresh
// cache and prints time, peak RSS and what was fetched as JSON. Bundled to plain JS first.
import { AnalysisService } from '../../src/main/core/analysis/analysis-service'
import { EngineClient } from '../../src/main/core/engine/engine-client'
import { RegistryClient } from '../../src/main/core/registry'

async function main(): Promise<void> {
  const [ref, cacheDir] = process.argv.slice(2) as [string, string]
  let blobBytes = 0
  let blobs = 0
  const client = new RegistryClient({ onRequest: (r) => void (r.kind === 'blob' && r.method === 'GET' && blobs++) })
  const svc = new AnalysisService({ engine: () => EngineClient.fromEnvironment(), registry: () => client, cacheDir })
  const t = performance.now()
  const c0 = process.cpuUsage()
  const img = await svc.open(
    { kind: 'registry', ref },
    {
      onProgress: (p) => {
        if (p.phase === 'download') blobBytes = p.bytesDone
      }
    }
  )
  const ms = performance.now() - t
  const cpu = process.cpuUsage(c0)
  await svc.flush()
  client.close()
  const a = img.analysis
  process.stdout.write(
    JSON.stringify({
      ms,
      cpuMs: (cpu.user + cpu.system) / 1000,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      blobs,
      blobBytes,
      layerBytes: a.layerBytes,
      downloadSize: a.image.downloadSize,
      files: a.final.files
    })
  )
}

void main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
  process.exit(1)
})

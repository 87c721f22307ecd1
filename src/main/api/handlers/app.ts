import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { SampleArchive } from '../../../shared/models/images'
import type { Services } from '../services'
import type { HandlerGroup } from '../types'

export type AppChannels = 'app:info' | 'engine:status' | 'images:list' | 'images:samples' | 'dialog:open'

export function appHandlers(s: Services): HandlerGroup<AppChannels> {
  return {
    'app:info': async () => ({
      version: s.options.version,
      front: s.options.front === 'electron' ? 'electron' : 'browser',
      platform: process.platform
    }),
    'engine:status': async () => {
      const status = await s.engine().status()
      // Not reachable now: resolve again next time (Docker started, a socket appeared, env fixed).
      if (!status.ok) s.resetEngine()
      return status
    },
    'images:list': async (req, ctx) => {
      const images = await s.engine().listImages({ all: req.all === true, filters: req.filters, signal: ctx.signal })
      const cache = s.analysis().cache
      return images.map((i) => (cache.hasImage(i.id) ? { ...i, analysed: true } : i))
    },
    'images:samples': async () => listSamples(join(s.options.resourcesDir, 'samples')),
    // The native dialog in Electron; elsewhere noDesktop says what to do instead.
    'dialog:open': async (req) => ({ path: await s.desktop.openDialog(req.kind) })
  }
}

interface SampleManifestEntry {
  file: string
  title: string
  description: string
}

/** The bundled archives listed in resources/samples/samples.json (missing files are left out). */
export function listSamples(dir: string): SampleArchive[] {
  let entries: SampleManifestEntry[]
  try {
    entries = (JSON.parse(readFileSync(join(dir, 'samples.json'), 'utf8')) as { samples: SampleManifestEntry[] }).samples
  } catch {
    return []
  }
  const out: SampleArchive[] = []
  for (const e of entries) {
    const path = join(dir, e.file)
    try {
      out.push({ path, title: e.title, description: e.description, fileBytes: statSync(path).size })
    } catch {
      // A sample deleted from an install is simply not offered.
    }
  }
  return out
}

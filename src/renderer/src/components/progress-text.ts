// What a progress bar says, from JobProgress's structured fields only (never its message):
// the phase in words with "layer i of n", a fraction that never passes 100% (an engine that
// sends more than its estimate is said to, not drawn past the end), and a time left once the
// bytes have flowed for a few seconds.
import { formatBytes } from '../../../shared/format'
import type { JobProgress } from '../../../shared/models/analysis'

const PHASES: Record<JobProgress['phase'], string> = {
  preparing: 'The engine prepares the export (it sends nothing until it is ready)',
  export: 'Exporting from the engine',
  read: 'Reading the archive',
  download: 'Downloading layers from the registry',
  cache: 'Reading the layer cache',
  analyse: 'Stacking layers, finding waste',
  waiting: 'Waiting for the other side (shared layers are read once)',
  diff: 'Comparing the filesystems',
  build: 'Building',
  report: 'Rendering the report'
}

/** Seconds of flowing bytes before a time left is guessed (the start is too jumpy). */
export const ETA_AFTER_MS = 3000

export interface ProgressText {
  phase: string
  /** 0..1, or null when the total is unknown (an indeterminate bar). */
  fraction: number | null
  /** More bytes than the estimate arrived. */
  over: boolean
  bytes: string
  /** "about 12 s left", when it can be guessed. */
  eta?: string
}

export function describeProgress(p: JobProgress | null, flowMs: number): ProgressText {
  if (!p) return { phase: 'Starting…', fraction: null, over: false, bytes: '' }
  let phase = PHASES[p.phase] ?? p.phase
  if (p.layerCount !== undefined && p.layerCount > 0 && p.layerIndex !== undefined) {
    phase += ` · layer ${Math.min(p.layerIndex + 1, p.layerCount)} of ${p.layerCount}`
  } else if (p.layerIndex !== undefined) {
    // A docker-archive names its layer count only at its end.
    phase += ` · layer ${p.layerIndex + 1}`
  }
  if (p.phase === 'build' && p.stageCount !== undefined && p.stageIndex !== undefined) {
    phase += ` · stage ${p.stageIndex + 1} of ${p.stageCount}${p.stage ? ` (${p.stage})` : ''}`
  }
  const done = Math.max(0, p.bytesDone)
  const total = p.bytesTotal ?? 0
  const flowing = p.phase === 'export' || p.phase === 'read'
  if (!flowing || total <= 0) {
    return { phase, fraction: null, over: false, bytes: done > 0 ? formatBytes(done) : '' }
  }
  const over = done > total
  const fraction = Math.min(1, done / total)
  const out: ProgressText = {
    phase,
    fraction: over ? null : fraction,
    over,
    bytes: over ? `${formatBytes(done)} · more than the ${formatBytes(total)} expected, still going` : `${formatBytes(done)} of ${formatBytes(total)}`
  }
  if (!over && flowMs >= ETA_AFTER_MS && done > 0 && fraction < 0.995) {
    const left = ((total - done) * flowMs) / done / 1000
    out.eta = `about ${formatSeconds(left)} left`
  }
  return out
}

export function formatSeconds(s: number): string {
  if (s < 1) return 'a second'
  if (s < 90) return `${Math.round(s)} s`
  if (s < 3600) return `${Math.round(s / 60)} min`
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`
}

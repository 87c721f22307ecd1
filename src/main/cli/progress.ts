import type { EventName, Events } from '../../shared/api'
import type { JobProgress } from '../../shared/models/analysis'
import { formatBytes } from '../../shared/format'

const PHASES: Partial<Record<JobProgress['phase'], string>> = {
  preparing: 'The engine prepares the export',
  export: 'Exporting from the engine',
  read: 'Reading the archive',
  cache: 'Loading cached layers',
  analyse: 'Analysing'
}

/** One line of progress: "B: Exporting from the engine: 120 MB of about 1.05 GB (11%)". */
export function progressLine(p: JobProgress): string {
  const side = p.side ? `${p.side.toUpperCase()}: ` : ''
  const what = PHASES[p.phase] ?? p.phase
  const tail = p.message ? ` ${p.message}` : ''
  if (!p.bytesTotal) return `${side}${p.bytesDone > 0 ? `${what}: ${formatBytes(p.bytesDone)}` : `${what}...`}${tail}`
  const pct = Math.min(100, Math.floor((p.bytesDone / p.bytesTotal) * 100))
  return `${side}${what}: ${formatBytes(p.bytesDone)} of about ${formatBytes(p.bytesTotal)} (${pct}%)${tail}`
}

/**
 * Progress on stderr for a terminal only (stdout stays clean for --json), redrawn in place at
 * most five times a second; `clear()` wipes the line before the result or an error prints.
 */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): {
  emit: <E extends EventName>(event: E, payload: Events[E]) => void
  clear: () => void
} {
  const tty = stream.isTTY === true
  let last = 0
  let shown = false
  return {
    emit: (event, payload) => {
      if (event !== 'job:progress' || !tty) return
      const now = Date.now()
      if (now - last < 200) return
      last = now
      shown = true
      stream.write(`\r\x1b[2K${progressLine(payload as JobProgress).slice(0, (stream.columns ?? 80) - 1)}`)
    },
    clear: () => {
      if (shown) stream.write('\r\x1b[2K')
      shown = false
    }
  }
}

// Progress of a long job (export, analysis, build): bytes done of total, rate, and Cancel.
import { useEffect, useState } from 'react'
import { formatBytes } from '../../../shared/format'
import type { JobProgress } from '../../../shared/models/analysis'
import { ratePerSecond } from '../lib/time'
import { Button } from './Button'

export interface ProgressBarProps {
  title: string
  progress: JobProgress | null
  /** Date.now() when the job started, for the rate. */
  startedAt: number
  onCancel?: () => void
  cancelling?: boolean
}

const PHASES: Record<string, string> = {
  preparing: 'The engine prepares the export',
  export: 'Exporting from the engine',
  read: 'Reading layers',
  cache: 'Loading cached layers',
  stack: 'Stacking layers',
  analyse: 'Analysing',
  analyze: 'Analysing',
  build: 'Building'
}
function phaseText(phase: string | undefined): string {
  if (!phase) return 'Starting…'
  return PHASES[phase] ?? phase.charAt(0).toUpperCase() + phase.slice(1)
}

export function ProgressBar({ title, progress, startedAt, onCancel, cancelling }: ProgressBarProps): React.JSX.Element {
  // Re-render every half second so elapsed time and rate move even between events.
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 500)
    return () => clearInterval(t)
  }, [])
  const done = progress?.bytesDone ?? 0
  const total = progress?.bytesTotal ?? 0
  const fraction = total > 0 ? Math.min(1, done / total) : null
  const elapsed = Math.max(0, now - startedAt)
  const rate = ratePerSecond(done, elapsed)
  return (
    <div className="progress" data-testid="progress">
      <div className="progress-head">
        <strong>{title}</strong>
        <span className="muted">{progress?.message ?? phaseText(progress?.phase)}</span>
      </div>
      <div
        className={`progress-track${fraction === null ? ' indeterminate' : ''}`}
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={fraction === null ? undefined : Math.round(fraction * 100)}
      >
        <div className="progress-fill" style={fraction === null ? undefined : { width: `${(fraction * 100).toFixed(1)}%` }} />
      </div>
      <div className="progress-foot">
        <span className="num">
          {formatBytes(done)}
          {total > 0 ? ` of ${formatBytes(total)}` : ''}
          {rate > 0 ? ` · ${formatBytes(rate)}/s` : ''} · {(elapsed / 1000).toFixed(0)} s
        </span>
        {onCancel && (
          <Button size="sm" onClick={onCancel} disabled={cancelling}>
            {cancelling ? 'Cancelling…' : 'Cancel'}
          </Button>
        )}
      </div>
    </div>
  )
}

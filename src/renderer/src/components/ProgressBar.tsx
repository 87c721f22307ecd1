// Progress of a long job (export, analysis, build): bytes done of total, rate, and Cancel.
import { useEffect, useRef, useState } from 'react'
import { formatBytes } from '../../../shared/format'
import type { JobProgress } from '../../../shared/models/analysis'
import { ratePerSecond } from '../lib/time'
import { Button } from './Button'
import { describeProgress } from './progress-text'
import './progress.css'

export interface ProgressBarProps {
  title: string
  progress: JobProgress | null
  /** Date.now() when the job started, for the rate. */
  startedAt: number
  onCancel?: () => void
  cancelling?: boolean
}

export function ProgressBar({ title, progress, startedAt, onCancel, cancelling }: ProgressBarProps): React.JSX.Element {
  // Re-render every half second so elapsed time and rate move even between events.
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 500)
    return () => clearInterval(t)
  }, [])
  const done = progress?.bytesDone ?? 0
  // Time left is measured from the first byte, not from the start (the engine's preparing
  // time says nothing about the rate).
  const flowFrom = useRef<number | null>(null)
  if (flowFrom.current === null && done > 0 && (progress?.phase === 'export' || progress?.phase === 'read')) flowFrom.current = Date.now()
  const flowMs = flowFrom.current === null ? 0 : now - flowFrom.current
  const t = describeProgress(progress, flowMs)
  const fraction = t.fraction
  const elapsed = Math.max(0, now - startedAt)
  const rate = flowFrom.current === null ? 0 : ratePerSecond(done, Math.max(1, flowMs))
  return (
    <div className="progress" data-testid="progress">
      <div className="progress-head">
        <strong>{title}</strong>
        <span className="muted" data-testid="progress-phase">
          {t.phase}
        </span>
      </div>
      <div
        className={`progress-track${fraction === null ? ' indeterminate' : ''}${t.over ? ' over' : ''}`}
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={fraction === null ? undefined : Math.round(fraction * 100)}
      >
        <div className="progress-fill" style={fraction === null ? undefined : { width: `${(fraction * 100).toFixed(1)}%` }} />
      </div>
      <div className="progress-foot">
        <span className="num" data-testid="progress-bytes">
          {t.bytes ? `${t.bytes} · ` : ''}
          {rate > 0 ? `${formatBytes(rate)}/s · ` : ''}
          {(elapsed / 1000).toFixed(0)} s{t.eta ? ` · ${t.eta}` : ''}
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

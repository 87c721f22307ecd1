// The compare screen: pick two images (engine or archive, either side), then see at a glance
// how much smaller one is and why: summary, contributors with drill-down, the diff treemap,
// and the layers side by side.
import { useEffect } from 'react'
import { Button } from '../../components/Button'
import { ProgressBar } from '../../components/ProgressBar'
import { EmptyState, ErrorBanner } from '../../components/States'
import { useApp } from '../../stores'
import { ExportReportButton } from '../report'
import { CompareSummary } from './CompareSummary'
import { ContributorsPanel } from './ContributorsPanel'
import { DiffTreemapPanel } from './DiffTreemapPanel'
import { LayersCompare } from './LayersCompare'
import { SidePicker } from './SidePicker'
import { sourceKey } from './view-model'
import './compare.css'
import { imageName, sourceName } from '../../../../shared/image-source'

function PickerBar(): React.JSX.Element {
  const pick = useApp((s) => s.comparePick)
  const setPick = useApp((s) => s.setComparePick)
  const run = useApp((s) => s.runCompare)
  const swap = useApp((s) => s.swapCompare)
  const job = useApp((s) => s.compareJob)
  const comparison = useApp((s) => s.comparison)
  const busy = job !== null && job.error === null
  const shown = comparison && sourceKey(comparison.a.source) === sourceKey(pick.a) && sourceKey(comparison.b.source) === sourceKey(pick.b)
  return (
    <div className="cmp-pickbar" data-testid="compare-picker">
      <SidePicker side="a" value={pick.a} onChange={(s) => setPick('a', s)} />
      <button type="button" className="btn btn-ghost cmp-swap" onClick={() => void swap()} disabled={busy || (!pick.a && !pick.b)} title="Swap sides (A ⇄ B)" data-testid="swap">
        ⇄
      </button>
      <SidePicker side="b" value={pick.b} onChange={(s) => setPick('b', s)} />
      <Button variant="primary" disabled={!pick.a || !pick.b || busy || !!shown} onClick={() => pick.a && pick.b && void run(pick.a, pick.b)} data-testid="compare-run">
        Compare
      </Button>
    </div>
  )
}

function JobState(): React.JSX.Element | null {
  const job = useApp((s) => s.compareJob)
  const cancel = useApp((s) => s.cancelCompare)
  const run = useApp((s) => s.runCompare)
  const dismiss = useApp((s) => s.dismissCompareError)
  if (!job) return null
  if (job.error) {
    const cancelled = job.error.code === 'CANCELLED'
    return (
      <EmptyState
        testId={cancelled ? 'compare-cancelled' : 'compare-error'}
        title={cancelled ? 'Comparison cancelled' : 'Could not compare these images'}
        actions={
          <>
            <Button variant="primary" onClick={() => void run(job.a, job.b)}>
              {cancelled ? 'Start again' : 'Try again'}
            </Button>
            <Button onClick={dismiss}>Dismiss</Button>
          </>
        }
      >
        {cancelled ? <p>Layers already analysed stay in the cache, so starting again is faster.</p> : <ErrorBanner error={job.error} />}
      </EmptyState>
    )
  }
  const name = (s: typeof job.a): string => sourceName(s, true)
  return (
    <div className="cmp-progress" data-testid="compare-progress">
      <ProgressBar title={`A · ${name(job.a)}`} progress={job.progress.a} startedAt={job.startedAt} />
      <ProgressBar
        title={`B · ${name(job.b)}`}
        progress={job.progress.b ?? (job.side === 'a' ? { jobId: job.jobId, phase: 'waiting', bytesDone: 0, message: 'Waits for A (shared layers are analysed once)' } : null)}
        startedAt={job.startedAt}
        onCancel={() => void cancel()}
        cancelling={job.cancelling}
      />
    </div>
  )
}

export function CompareScreen(): React.JSX.Element {
  const view = useApp((s) => s.view)
  const comparison = useApp((s) => s.comparison)
  const job = useApp((s) => s.compareJob)
  const images = useApp((s) => s.images)
  const samples = useApp((s) => s.samples)
  const loadImages = useApp((s) => s.loadImages)
  const loadSamples = useApp((s) => s.loadSamples)
  const runCompare = useApp((s) => s.runCompare)
  const setPick = useApp((s) => s.setComparePick)
  const v = view.name === 'compare' ? view : null
  const pick = useApp((s) => s.comparePick)
  // The result stays readable, but marked, while the picker shows other sides.
  const stale = !!comparison && (sourceKey(comparison.a.source) !== sourceKey(pick.a) || sourceKey(comparison.b.source) !== sourceKey(pick.b))

  useEffect(() => {
    if (!images) void loadImages()
    if (!samples) void loadSamples()
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])
  // Arriving with two sources (the image list's Compare, a remembered view): compare them,
  // unless that comparison is already shown or running.
  const ka = sourceKey(v?.a)
  const kb = sourceKey(v?.b)
  useEffect(() => {
    if (!v) return
    const s = useApp.getState()
    if (v.a && v.b) {
      const same = (x: { a: typeof v.a; b: typeof v.b } | null | undefined): boolean => !!x && sourceKey(x.a) === ka && sourceKey(x.b) === kb
      const shown = s.comparison && same({ a: s.comparison.a.source, b: s.comparison.b.source })
      if (!shown && !same(s.compareJob)) void runCompare(v.a, v.b)
    } else if (v.a) {
      setPick('a', v.a)
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ka, kb])

  return (
    <div className="page cmp-page" data-testid="compare-screen">
      <div className="cmp-title">
        <h2>Compare images</h2>
        <span className="muted">Shared layers, the size delta and where it comes from</span>
        {comparison && !job && !stale && (
          <span className="cmp-title-actions">
            <ExportReportButton aKey={comparison.a.key} bKey={comparison.b.key} />
          </span>
        )}
      </div>
      <PickerBar />
      {job ? (
        <JobState />
      ) : comparison ? (
        <div className={`cmp-result${stale ? ' cmp-stale' : ''}`} data-testid="compare-result" data-stale={stale ? 'true' : undefined}>
          {stale && (
            <div className="cmp-stale-note" role="status" data-testid="compare-stale">
              <strong>Out of date:</strong> this result compares <span className="mono">{imageName(comparison.a)}</span> with{' '}
              <span className="mono">{imageName(comparison.b)}</span>, not the sides picked above.{' '}
              {pick.a && pick.b ? 'Press Compare to see them.' : 'Pick both sides, then press Compare.'}
            </div>
          )}
          <CompareSummary c={comparison} />
          <div className="cmp-grid">
            <ContributorsPanel />
            <DiffTreemapPanel />
          </div>
          <LayersCompare c={comparison} />
        </div>
      ) : (
        <EmptyState title="Pick two images to compare" testId="compare-empty">
          <p>
            Choose image A and image B above: engine images, sample archives, or any <span className="mono">docker save</span> tar or OCI layout. Typical: the same
            app built single-stage and multi-stage.
          </p>
        </EmptyState>
      )}
    </div>
  )
}

// Wasted paths, largest first: bytes shipped in a layer but hidden later, why, and which
// layer pays for them. Clicking a row selects the paying layer everywhere.
import { useState } from 'react'
import { formatBytes, formatExactBytes, groupDigits } from '../../../../shared/format'
import type { ImageAnalysis, WastePath } from '../../../../shared/models/analysis'
import { Button } from '../../components/Button'
import { EmptyState } from '../../components/States'
import { VirtualList } from '../../components/VirtualList'
import { call, toApiError } from '../../lib/call'
import { displayPath } from '../../lib/paths'
import { useApp } from '../../stores'
import type { ApiError } from '../../../../shared/errors'
import { wasteText } from './markers'
import { PanelError } from './PanelError'

export function WastePanel({ analysis }: { analysis: ImageAnalysis }): React.JSX.Element {
  const selectLayer = useApp((s) => s.selectLayer)
  const [paths, setPaths] = useState<WastePath[]>(analysis.waste.paths)
  const [total, setTotal] = useState(analysis.waste.pathCount)
  const [error, setError] = useState<ApiError | null>(null)
  const [active, setActive] = useState(-1)
  const [loading, setLoading] = useState(false)

  if (analysis.waste.pathCount === 0)
    return (
      <EmptyState title="No wasted bytes" testId="waste-empty">
        Every byte shipped in a layer is still visible in the final filesystem.
      </EmptyState>
    )

  const more = async (): Promise<void> => {
    setLoading(true)
    try {
      const r = await call('analysis:waste', { key: analysis.key, offset: paths.length, limit: 1000 })
      setPaths((p) => [...p, ...r.paths])
      setTotal(r.total)
    } catch (e) {
      setError(toApiError(e))
    } finally {
      setLoading(false)
    }
  }
  const count = paths.length + (paths.length < total ? 1 : 0)
  return (
    <div className="waste-panel" data-testid="waste-panel">
      <div className="waste-summary">
        <span>
          <strong className="num">{formatBytes(analysis.waste.bytes)}</strong> wasted in <span className="num">{groupDigits(total)}</span> path{total === 1 ? '' : 's'} —
          shipped in a layer, hidden by a later one. Fix it in the layer that <em>adds</em> the bytes (clean up in the same RUN, or copy less).
        </span>
      </div>
      {error && <PanelError error={error} onDismiss={() => setError(null)} />}
      <div className="trow thead">
        <span className="tcell tname">Path</span>
        <span className="tcell twhy">Why</span>
        <span className="tcell tlayer num">Paid by</span>
        <span className="tcell tsize num">Wasted</span>
      </div>
      <VirtualList
        count={count}
        rowHeight={24}
        label="Wasted paths"
        activeIndex={active}
        onKeyDown={(e) => {
          const dir = e.key === 'ArrowDown' ? 1 : e.key === 'ArrowUp' ? -1 : 0
          if (dir) {
            e.preventDefault()
            setActive((a) => Math.max(0, Math.min(count - 1, a + dir)))
          } else if (e.key === 'Enter' && paths[active]) selectLayer(paths[active]!.layerIndex)
        }}
        renderRow={(i) => {
          const w = paths[i]
          if (!w)
            return (
              <div className="trow">
                <Button size="sm" variant="ghost" onClick={() => void more()} disabled={loading}>
                  {loading ? 'Loading…' : `Show more (${groupDigits(total - paths.length)} remaining)`}
                </Button>
              </div>
            )
          return (
            <div className={`trow clickable${i === active ? ' active' : ''}`} onClick={() => (setActive(i), selectLayer(w.layerIndex))} data-testid="waste-row" title={`Click to select layer ${w.layerIndex}, which ships these bytes`}>
              <span className="tcell tname mono" title={displayPath(w.path)}>
                {displayPath(w.path)}
              </span>
              <span className={`tcell twhy why-${w.reason}`}>{wasteText(w.reason, w.byLayerIndex)}</span>
              <span className="tcell tlayer num">layer {w.layerIndex}</span>
              <span className="tcell tsize num" title={formatExactBytes(w.bytes)}>
                {formatBytes(w.bytes)}
              </span>
            </div>
          )
        }}
      />
    </div>
  )
}

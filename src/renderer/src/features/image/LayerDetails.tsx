// The selected layer in full: what made it, its digest, and what it adds, changes and deletes.
import { formatBytes, formatCount, formatExactBytes, groupDigits } from '../../../../shared/format'
import type { ImageAnalysis } from '../../../../shared/models/analysis'
import { formatTimestamp } from '../../lib/time'

export function LayerDetails({ analysis, index }: { analysis: ImageAnalysis; index: number | null }): React.JSX.Element {
  if (index === null) {
    const own = analysis.layers.filter((l) => !l.isBase)
    const ownBytes = own.reduce((n, l) => n + l.contentBytes, 0)
    const biggest = [...analysis.layers].sort((a, b) => b.contentBytes - a.contentBytes)[0]
    return (
      <div className="layer-details" data-testid="layer-details">
        <dl>
          <dt>Layer contents</dt>
          <dd className="num" title={formatExactBytes(analysis.layerBytes)}>
            {formatBytes(analysis.layerBytes)} in {formatCount(analysis.layers.length, 'layer')}
          </dd>
          {analysis.base && (
            <>
              <dt>Base image</dt>
              <dd>
                {analysis.base.ref}{' '}
                <span className="muted">
                  ({formatCount(analysis.base.layers, 'layer')}; this image adds {formatCount(own.length, 'layer')}, {formatBytes(ownBytes)})
                </span>
              </dd>
            </>
          )}
          {biggest && (
            <>
              <dt>Biggest layer</dt>
              <dd className="ellipsis" title={biggest.createdByRaw}>
                <span className="num">#{biggest.index}</span> · {formatBytes(biggest.contentBytes)} <span className="muted mono">{biggest.createdBy}</span>
              </dd>
            </>
          )}
          <dt>Analysed</dt>
          <dd className="muted">
            {analysis.elapsedMs < 1000 ? `${Math.round(analysis.elapsedMs)} ms` : `${(analysis.elapsedMs / 1000).toFixed(1)} s`}{analysis.cachedLayers ? ` · ${formatCount(analysis.cachedLayers, 'layer')} from the cache` : ''}
          </dd>
        </dl>
        <p className="hint muted">Select a layer (click, or ↑/↓ here) to see what it adds in the treemap and the files.</p>
      </div>
    )
  }
  const l = analysis.layers[index]
  if (!l) return <div className="layer-details" />
  return (
    <div className="layer-details" data-testid="layer-details">
      <div className="instr-full mono" title={l.createdByRaw}>
        {l.createdByRaw || l.createdBy}
      </div>
      <dl>
        <dt>Content</dt>
        <dd className="num" title={formatExactBytes(l.contentBytes)}>
          {formatBytes(l.contentBytes)} · {formatCount(l.files, 'file')} · {formatCount(l.entries, 'entry', 'entries')}
          {l.compressedBytes !== undefined ? ` · ${formatBytes(l.compressedBytes)} compressed` : ''}
        </dd>
        <dt>Changes</dt>
        <dd className="num">
          <span className="c-added">+{groupDigits(l.added)}</span> ({formatBytes(l.addedBytes)}) · <span className="c-changed">~{groupDigits(l.changed)}</span> ({formatBytes(l.changedBytes)}) ·{' '}
          <span className="c-deleted">-{groupDigits(l.deleted)}</span> (hides {formatBytes(l.deletedBytes)})
        </dd>
        <dt>Digest</dt>
        <dd className="mono muted ellipsis" title={l.diffId}>
          {l.diffId}
        </dd>
        {l.created && (
          <>
            <dt>Created</dt>
            <dd className="muted">{formatTimestamp(l.created)}</dd>
          </>
        )}
      </dl>
    </div>
  )
}

// Layers: a bar chart of layer sizes over the table of history steps. Selecting a layer
// (click, or ↑/↓ in the table) selects it in the treemap and file tree too.
import { useMemo, type KeyboardEvent } from 'react'
import { formatBytes, formatCount, formatExactBytes, groupDigits } from '../../../../shared/format'
import type { ImageAnalysis } from '../../../../shared/models/analysis'
import { ByteBarChart, LegendItem, chartPalette, type ByteBar } from '../../components/charts'
import { isTyping, moveIndex } from '../../lib/list-nav'
import { useResolvedTheme } from '../../lib/theme'
import { useApp } from '../../stores'
import { LayerDetails } from './LayerDetails'
import { EmptyStepRow, layerRows, selectableLayers } from './layer-rows'

export function LayersPanel({ analysis }: { analysis: ImageAnalysis }): React.JSX.Element {
  const selected = useApp((s) => s.selectedLayer)
  const selectLayer = useApp((s) => s.selectLayer)
  const p = chartPalette(useResolvedTheme())
  const rows = useMemo(() => layerRows(analysis), [analysis])
  const order = useMemo(() => selectableLayers(rows), [rows])
  const hasBase = analysis.layers.some((l) => l.isBase)

  const bars: ByteBar[] = analysis.layers.map((l) => ({
    id: l.index,
    label: `${l.index}`,
    bytes: l.contentBytes,
    title: l.createdBy,
    tone: l.isBase ? 'base' : 'app',
    rows: [
      ['Layer', `${l.index}${l.isBase ? ' (base image)' : ''}`],
      ['Files', groupDigits(l.files)]
    ]
  }))

  const onKey = (e: KeyboardEvent): void => {
    if (isTyping(e.target)) return
    const cur = order.indexOf(selected)
    const next = moveIndex(cur, order.length, e.key)
    if (next === null) return
    e.preventDefault()
    const l = order[next] ?? null
    selectLayer(l)
    document.getElementById(`layer-row-${l ?? 'all'}`)?.scrollIntoView({ block: 'nearest' })
  }

  // Download bytes beside content bytes when the source knows them (registry, OCI archives).
  const download = analysis.layers.some((l) => l.compressedBytes !== undefined)

  return (
    <section className="panel layers-panel" aria-label="Layers">
      <div className="panel-head">
        <h2>Layers</h2>
        <span className="muted num">
          {formatCount(analysis.layers.length, 'layer')} · {formatBytes(analysis.layerBytes)} content
        </span>
      </div>
      <ByteBarChart
        data={bars}
        selectedId={selected}
        onSelect={(id) => selectLayer(selected === id ? null : (id as number))}
        height={130}
        legend={
          hasBase ? (
            <>
              <LegendItem color={p.base} label={`Base image${analysis.base ? ` (${analysis.base.ref})` : ''}`} />
              <LegendItem color={p.app} label="This image's own layers" />
            </>
          ) : undefined
        }
      />
      <div className="table-wrap layers-table" tabIndex={0} onKeyDown={onKey} data-testid="layers-table">
        <table className="table compact">
          <thead>
            <tr>
              <th className="col-idx num">#</th>
              <th>Instruction</th>
              <th className="num" title="Paths added / changed / deleted by the layer">Changes</th>
              {download && <th className="num" title="Download bytes: the layer blob as the registry or manifest stores it (compressed)">Download</th>}
              <th className="num" title="Layer content bytes (regular files in the layer tar)">Size</th>
            </tr>
          </thead>
          <tbody>
            <tr id="layer-row-all" className={`clickable${selected === null ? ' active' : ''}`} onClick={() => selectLayer(null)} data-testid="layer-row-all">
              <td className="col-idx num muted">∗</td>
              <td>
                <strong>Whole image</strong> <span className="muted">— every layer stacked</span>
              </td>
              <td className="num muted">{formatCount(analysis.final.files, 'file')}</td>
              {download && (
                <td className="num muted" title={analysis.image.downloadSize !== undefined ? `Download size (layer blobs + config): ${formatExactBytes(analysis.image.downloadSize)}` : undefined}>
                  {analysis.image.downloadSize !== undefined ? formatBytes(analysis.image.downloadSize) : analysis.image.compressedSize !== undefined ? formatBytes(analysis.image.compressedSize) : ''}
                </td>
              )}
              <td className="num" title={formatExactBytes(analysis.final.bytes)}>
                {formatBytes(analysis.final.bytes)}
              </td>
            </tr>
            {rows.map((r) => {
              const l = r.layer
              // The changes column, and the download column where there is one.
              if (!l) return <EmptyStepRow key={r.key} row={r} blanks={download ? 2 : 1} lastClass="num" />
              return (
                <tr
                  key={r.key}
                  id={`layer-row-${l.index}`}
                  className={`clickable${selected === l.index ? ' active' : ''}${l.isBase ? ' base' : ''}`}
                  onClick={() => selectLayer(l.index)}
                  title={r.raw}
                  data-testid="layer-row"
                  data-layer={l.index}
                >
                  <td className="col-idx num">
                    <span className={`layer-swatch ${l.isBase ? 'base' : 'app'}`} />
                    {l.index}
                  </td>
                  <td className="instr mono">
                    {l.isBase && <span className="chip chip-base">base</span>}
                    {r.instruction}
                  </td>
                  <td className="num changes" title={`${groupDigits(l.added)} added, ${groupDigits(l.changed)} changed, ${groupDigits(l.deleted)} deleted`}>
                    {l.added > 0 && <span className="c-added">+{groupDigits(l.added)}</span>}
                    {l.changed > 0 && <span className="c-changed">~{groupDigits(l.changed)}</span>}
                    {l.deleted > 0 && <span className="c-deleted">-{groupDigits(l.deleted)}</span>}
                  </td>
                  {download && (
                    <td className="num muted" title={l.compressedBytes !== undefined ? `Download bytes: ${formatExactBytes(l.compressedBytes)}` : 'Not known for this source'}>
                      {l.compressedBytes !== undefined ? formatBytes(l.compressedBytes) : '–'}
                    </td>
                  )}
                  <td className="num" title={`Layer content bytes: ${formatExactBytes(l.contentBytes)}${l.compressedBytes ? `\nCompressed blob: ${formatExactBytes(l.compressedBytes)}` : ''}`}>
                    {formatBytes(l.contentBytes)}
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>
      <div className="layers-legend muted" data-testid="layers-legend">
        Changes, in paths: <span className="c-added">+ added</span> <span className="c-changed">~ changed</span> <span className="c-deleted">- deleted</span> · Size: the layer's file bytes
      </div>
      <LayerDetails analysis={analysis} index={selected} />
    </section>
  )
}

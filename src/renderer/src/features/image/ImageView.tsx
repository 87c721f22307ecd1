// Layout of an opened image: header; layers on the left; on the right the scope bar, the
// treemap and, below it, the file tree, the waste list or the savings. One selected layer drives them all.
import { useEffect, useLayoutEffect, useRef, useState } from 'react'
import { formatBytes, formatCount, groupDigits } from '../../../../shared/format'
import type { ImageAnalysis, LayerSummary } from '../../../../shared/models/analysis'
import { Segmented } from '../../components/Button'
import './image.css'
import { Splitter } from '../../components/Splitter'
import { useApp } from '../../stores'
import { selectScope, type ScopeMode } from '../../stores/analysis'
import { FileTree } from './FileTree'
import { ImageHeader } from './ImageHeader'
import { LayersPanel } from './LayersPanel'
import { TreemapPanel } from './TreemapPanel'
import { SavingsPanel } from './SavingsPanel'
import { WastePanel } from './WastePanel'
import { DuplicatesPanel } from './DuplicatesPanel'

type Tab = 'files' | 'waste' | 'savings' | 'duplicates'

/** Why a layer's treemap is empty, in words: most often a layer that only deletes. */
function emptyLayerText(l: LayerSummary, mode: ScopeMode): string | undefined {
  if (mode !== 'layer') return undefined
  if (l.deleted > 0)
    return `This layer adds no file bytes. It deletes ${formatCount(l.deleted, 'path')}, hiding ${formatBytes(l.deletedBytes)} that the layers below still ship — see the Waste tab.`
  return 'This layer adds no file bytes (only directories, links or metadata).'
}

/**
 * The treemap's height from the room the right column has: the file tree below it keeps at
 * least ~12 rows, the map gets the rest within 180-440 px (a short window still shows both).
 */
function useTreemapHeight(): [React.RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null)
  const [h, setH] = useState(300)
  useLayoutEffect(() => {
    const el = ref.current
    if (!el) return
    // A short window (the page scrolls there, see image.css) keeps the treemap low so the file
    // tree starts above the fold.
    const fit = (): void => setH(Math.round(Math.min(window.innerHeight < 820 ? 170 : 440, Math.max(150, (el.clientHeight - 120) * 0.5))))
    fit()
    const ro = new ResizeObserver(fit)
    ro.observe(el)
    return () => ro.disconnect()
  }, [])
  return [ref, h]
}

export function ImageView({ analysis }: { analysis: ImageAnalysis }): React.JSX.Element {
  const [rightRef, treemapHeight] = useTreemapHeight()
  const selected = useApp((s) => s.selectedLayer)
  const scopeMode = useApp((s) => s.scopeMode)
  const setScopeMode = useApp((s) => s.setScopeMode)
  const selectLayer = useApp((s) => s.selectLayer)
  const back = useApp((s) => s.back)
  const paneWidth = useApp((s) => s.settings.layersPaneWidth)
  const updateSettings = useApp((s) => s.updateSettings)
  const scope = selectScope({ selectedLayer: selected, scopeMode }, analysis.key)
  const [tab, setTab] = useState<Tab>('files')
  const layer = selected !== null ? analysis.layers[selected] : undefined

  // Alt+← goes back to the list; Escape clears the layer selection.
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.altKey && e.key === 'ArrowLeft') back()
      else if (e.key === 'Escape' && selected !== null) selectLayer(null)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [back, selectLayer, selected])

  return (
    <div className="image-view" data-testid="image-view" data-key={analysis.key}>
      <ImageHeader analysis={analysis} />
      <div className="image-body" style={{ gridTemplateColumns: `min(${paneWidth}px, 50%) 10px minmax(0, 1fr)` }}>
        <LayersPanel analysis={analysis} />
        <Splitter width={paneWidth} onChange={(w) => updateSettings({ layersPaneWidth: w })} label="Resize the layers pane" />
        <div className="image-right" ref={rightRef}>
          <div className="scope-bar" data-testid="scope-bar">
            <span className="scope-title">
              {layer ? (
                <>
                  Layer <span className="num">{layer.index}</span>
                  {layer.isBase && <span className="chip chip-base">base</span>}
                  <span className="muted mono scope-instr" title={layer.createdByRaw}>
                    {layer.createdBy}
                  </span>
                </>
              ) : (
                <>
                  Whole image <span className="muted">— the final filesystem, {formatCount(analysis.final.files, 'file')}</span>
                </>
              )}
            </span>
            <div className="spacer" />
            <Segmented<ScopeMode>
              label="Scope"
              value={layer ? scopeMode : 'stacked'}
              disabled={!layer}
              onChange={setScopeMode}
              options={[
                { value: 'layer', label: "This layer's changes", title: 'Only what this layer adds, changes or deletes' },
                { value: 'stacked', label: 'Image up to this layer', title: 'The filesystem as it stands after this layer' }
              ]}
            />
          </div>
          <TreemapPanel scope={scope} height={treemapHeight} emptyText={layer ? emptyLayerText(layer, scopeMode) : undefined} />
          <section className="panel bottom-panel">
            <div className="tabs" role="tablist">
              <button type="button" role="tab" aria-selected={tab === 'files'} className={tab === 'files' ? 'on' : ''} onClick={() => setTab('files')} data-testid="tab-files">
                Files
              </button>
              <button type="button" role="tab" aria-selected={tab === 'waste'} className={tab === 'waste' ? 'on' : ''} onClick={() => setTab('waste')} data-testid="tab-waste">
                Waste <span className="count num">{groupDigits(analysis.waste.pathCount)}</span>
              </button>
              <button
                type="button"
                role="tab"
                aria-selected={tab === 'savings'}
                className={tab === 'savings' ? 'on' : ''}
                onClick={() => setTab('savings')}
                data-testid="tab-savings"
                title="What would make this image smaller: removable bytes measured in it"
              >
                Savings {analysis.savings && analysis.savings.bytes > 0 && <span className="count num">{formatBytes(analysis.savings.bytes)}</span>}
              </button>
              <button
                type="button"
                role="tab"
                aria-selected={tab === 'duplicates'}
                className={tab === 'duplicates' ? 'on' : ''}
                onClick={() => setTab('duplicates')}
                data-testid="tab-duplicates"
                title="Files with the same content at several paths (same sha256)"
              >
                Duplicates {analysis.duplicates && analysis.duplicates.bytes > 0 && <span className="count num">{formatBytes(analysis.duplicates.bytes)}</span>}
              </button>
            </div>
            {tab === 'files' ? (
              <FileTree scope={scope} />
            ) : tab === 'waste' ? (
              <WastePanel analysis={analysis} />
            ) : tab === 'duplicates' ? (
              <DuplicatesPanel analysis={analysis} />
            ) : (
              <SavingsPanel analysis={analysis} />
            )}
          </section>
        </div>
      </div>
    </div>
  )
}

// The image screen while its layers are read: the layer list and history the source described
// at once (engine inspect + history, a manifest and config), each layer marked as it is read,
// above the progress. Sizes here are what the source claims, labelled as such; the measured
// figures come with the analysis. A layer read already opens to its own files (PreviewLayerTree).
import { useState } from 'react'
import { formatBytes, formatCount, formatExactBytes, shortId } from '../../../../shared/format'
import type { ImagePreview, PreviewLayer } from '../../../../shared/models/analysis'
import { imageName, imagePlatform } from '../../../../shared/image-source'
import { Button } from '../../components/Button'
import { ProgressBar } from '../../components/ProgressBar'
import { useApp } from '../../stores'
import type { OpenJob } from '../../stores/analysis'
import { EmptyStepRow } from './layer-rows'
import { previewRows, type LayerState } from './preview-rows'
import { PreviewLayerTree } from './PreviewLayerTree'
import './preview.css'

const CLAIMED: Record<NonNullable<PreviewLayer['claimedKind']>, { head: string; title: string }> = {
  'engine-history': { head: 'History size', title: "The engine's size for the step that made the layer (uncompressed, as docker history shows it), not yet measured" },
  'manifest-blob': { head: 'Download', title: 'The layer blob as the manifest lists it (compressed download bytes), not yet measured' }
}

const STATE_WORDS: Record<LayerState, string> = {
  read: 'read',
  cached: 'from cache',
  reading: 'reading…',
  waiting: 'waiting'
}

function sizeWords(p: ImagePreview): string | null {
  if (p.size === undefined) return null
  return p.sizeKind === 'engine' ? `${formatBytes(p.size)}, as docker images shows it` : `${formatBytes(p.size)} to download`
}

export function PreviewView({ job, preview }: { job: OpenJob; preview: ImagePreview }): React.JSX.Element {
  const back = useApp((s) => s.back)
  const cancelOpen = useApp((s) => s.cancelOpen)
  const phase = job.progress?.phase ?? 'preparing'
  const rows = previewRows(preview, job.layersRead, phase)
  const read = rows.filter((r) => r.layer && (r.state === 'read' || r.state === 'cached')).length
  const kind = preview.layers.find((l) => l.claimedKind)?.claimedKind
  const size = sizeWords(preview)
  const platform = imagePlatform(preview)
  const [open, setOpen] = useState<number | null>(null)
  return (
    <div className={`image-view preview-view${open !== null ? ' with-files' : ''}`} data-testid="preview-view" data-image-id={preview.id}>
      <header className="image-header">
        <div className="image-title-row">
          <Button variant="ghost" size="sm" onClick={back} title="Back (Alt+←)" aria-label="Back">
            ←
          </Button>
          <h1 className="image-title" data-testid="image-title">
            {imageName({ image: preview, source: preview.source })}
          </h1>
          <span className="mono muted" title={preview.id}>
            {shortId(preview.id)}
          </span>
          {platform && <span className="chip">{platform}</span>}
          {size && <span className="chip" title={preview.size !== undefined ? formatExactBytes(preview.size) : undefined}>{size}</span>}
        </div>
        <ProgressBar title={`Analysing ${job.label}`} progress={job.progress} startedAt={job.startedAt} onCancel={() => void cancelOpen()} cancelling={job.cancelling} />
      </header>
      <section className="panel preview-layers" aria-label="Layers">
        <div className="panel-head">
          <h2>Layers</h2>
          <span className="muted num" data-testid="preview-count">
            {formatCount(preview.layers.length, 'layer')} · {read} of {preview.layers.length} read
          </span>
        </div>
        <div className="table-wrap layers-table" data-testid="preview-table">
          <table className="table compact">
            <thead>
              <tr>
                <th className="col-idx num">#</th>
                <th>Instruction</th>
                {kind && (
                  <th className="num" title={CLAIMED[kind].title}>
                    {CLAIMED[kind].head}
                  </th>
                )}
                <th className="preview-state-col">Layer</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const l = r.layer
                if (!l) return <EmptyStepRow key={r.key} row={r} blanks={kind ? 1 : 0} lastClass="muted" />
                const readable = r.state === 'read' || r.state === 'cached'
                return (
                  <tr
                    key={r.key}
                    title={r.raw}
                    data-testid="preview-layer"
                    data-layer={l.index}
                    data-state={r.state}
                    className={`${readable ? 'openable' : ''}${open === l.index ? ' selected' : ''}`}
                    onClick={readable ? () => setOpen(l.index) : undefined}
                  >
                    <td className="col-idx num">{l.index}</td>
                    <td className="instr mono">{r.instruction}</td>
                    {kind && (
                      <td className="num" title={l.claimedBytes !== undefined ? `${CLAIMED[kind].title}: ${formatExactBytes(l.claimedBytes)}` : undefined}>
                        {l.claimedBytes !== undefined ? formatBytes(l.claimedBytes) : '–'}
                      </td>
                    )}
                    <td className={`preview-state state-${r.state}`}>
                      {readable ? '✓ ' : ''}
                      {STATE_WORDS[r.state!]}
                      {readable && (
                        <button
                          type="button"
                          className="link preview-open"
                          data-testid="preview-open-layer"
                          aria-pressed={open === l.index}
                          onClick={(e) => {
                            e.stopPropagation()
                            setOpen(l.index)
                          }}
                          title={`Show the files of layer ${l.index} as it was read`}
                        >
                          files
                        </button>
                      )}
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
        <p className="muted small preview-note">
          {kind ? `${CLAIMED[kind].head}: ${CLAIMED[kind].title.replace(/^The/, 'the')}. ` : ''}
          A read layer shows its own files (“files”); content bytes, the treemap and the whole image’s tree follow once every layer is read; layers seen before come from the cache.
        </p>
      </section>
      {open !== null && <PreviewLayerTree jobId={job.jobId} layer={open} readCount={job.layersRead.length} onClose={() => setOpen(null)} />}
    </div>
  )
}

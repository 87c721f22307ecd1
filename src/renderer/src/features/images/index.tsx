// The images screen: the engine's images, or — with no engine — samples and "Open archive…".
import { useEffect, useMemo, useState } from 'react'
import { Button } from '../../components/Button'
import { EmptyState, ErrorBanner, Spinner } from '../../components/States'
import { useApp } from '../../stores'
import { imageRef, selectVisibleImages } from '../../stores/images'
import { EngineUnreachable } from './EngineUnreachable'
import { ImageTable } from './ImageTable'
import { OpenArchiveForm } from './OpenArchive'
import { RecentImages } from './RecentImages'
import './images.css'
import { OpenRegistryForm } from '../registry/OpenRegistry'
import { SampleArchives } from './Samples'

export function ImagesScreen(): React.JSX.Element {
  const engine = useApp((s) => s.engine)
  const engineError = useApp((s) => s.engineError)
  const images = useApp((s) => s.images)
  const imagesError = useApp((s) => s.imagesError)
  const loading = useApp((s) => s.imagesLoading)
  const filter = useApp((s) => s.imageFilter)
  const sort = useApp((s) => s.imageSort)
  const setFilter = useApp((s) => s.setImageFilter)
  const loadImages = useApp((s) => s.loadImages)
  const selected = useApp((s) => s.selectedImageIds)
  const clearSelection = useApp((s) => s.clearImageSelection)
  const startCompare = useApp((s) => s.startCompare)
  const [showOpen, setShowOpen] = useState(false)
  const [showRegistry, setShowRegistry] = useState(false)

  useEffect(() => {
    if (!images && !loading) void loadImages()
    // Only on first mount: Refresh reloads on demand.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  const visible = useMemo(() => selectVisibleImages({ images, imageFilter: filter, imageSort: sort }), [images, filter, sort])

  if (engineError || (engine && !engine.ok)) {
    return (
      <div className="page">
        <RecentImages />
        <EngineUnreachable engine={engine && !engine.ok ? engine : null} backendError={engineError} />
      </div>
    )
  }

  const compare = (): void => {
    const [a, b] = selected.map((id) => images?.find((i) => i.id === id)).filter((x) => !!x)
    if (!a || !b) return
    void startCompare({ kind: 'engine', ref: imageRef(a) }, { kind: 'engine', ref: imageRef(b) })
  }

  return (
    <div className="page images-page">
      <div className="page-head">
        <div className="page-title">
          <h1>Images</h1>
          {images && (
            <span className="muted num" data-testid="image-count">
              {filter ? `${visible.length} of ${images.length}` : images.length} image{images.length === 1 ? '' : 's'}
            </span>
          )}
        </div>
        <div className="toolbar">
          <input
            type="search"
            className="input filter"
            placeholder="Filter by name, tag or ID"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            aria-label="Filter images"
            data-testid="image-filter"
          />
          <Button onClick={() => setShowOpen((v) => !v)} aria-expanded={showOpen}>
            Open archive…
          </Button>
          <Button onClick={() => setShowRegistry((v) => !v)} aria-expanded={showRegistry} data-testid="open-registry-toggle">
            Open from registry…
          </Button>
          <Button onClick={() => void loadImages()} disabled={loading} title="Reload the list from the engine">
            {loading ? 'Refreshing…' : 'Refresh'}
          </Button>
          <Button
            variant="primary"
            disabled={selected.length !== 2}
            onClick={compare}
            title={selected.length === 2 ? 'Compare the two selected images' : 'Tick two images to compare them'}
            data-testid="compare-selected"
          >
            Compare{selected.length ? ` (${selected.length}/2)` : ''}
          </Button>
          {selected.length > 0 && (
            <Button variant="ghost" size="sm" onClick={clearSelection}>
              Clear
            </Button>
          )}
        </div>
      </div>
      {showOpen && (
        <div className="card open-card">
          <OpenArchiveForm autoFocus />
        </div>
      )}
      {showRegistry && (
        <div className="card open-card">
          <OpenRegistryForm autoFocus />
        </div>
      )}
      <RecentImages />
      {imagesError && <ErrorBanner title="Could not list images." error={imagesError} actions={<Button size="sm" onClick={() => void loadImages()}>Retry</Button>} />}
      {!images && !imagesError && (
        <div className="center-fill">
          <Spinner label="Listing images…" />
        </div>
      )}
      {images && images.length === 0 && (
        <EmptyState title="No images on this engine yet" testId="images-empty">
          <p>
            Build or pull one (<span className="mono">docker build -t my/app .</span>), then press Refresh — or look at a sample archive:
          </p>
          <SampleArchives />
        </EmptyState>
      )}
      {images && images.length > 0 && visible.length === 0 && (
        <EmptyState title={`No image matches “${filter}”`} actions={<Button onClick={() => setFilter('')}>Clear filter</Button>}>
          The filter looks at every tag and the image ID.
        </EmptyState>
      )}
      {visible.length > 0 && <ImageTable images={visible} />}
      {visible.length > 0 && (
        <div className="page-foot muted">
          Click an image to see its layers and files · ↑↓ move · Enter opens · Space ticks for Compare · sizes as <span className="mono">docker images</span> shows them, exact bytes on hover
        </div>
      )}
    </div>
  )
}

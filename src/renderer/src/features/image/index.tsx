// The image view: what an image is made of. Opens from the list, from an archive, or from
// the remembered last view after a reload (then the image is reopened from its source).
import { useEffect, useState } from 'react'
import { Button } from '../../components/Button'
import { ProgressBar } from '../../components/ProgressBar'
import { EmptyState, ErrorBanner } from '../../components/States'
import { useApp } from '../../stores'
import { sameSource } from '../../stores/analysis'
import { ImageView } from './ImageView'
import { PreviewView } from './PreviewView'

export function ImageScreen(): React.JSX.Element {
  const view = useApp((s) => s.view)
  const job = useApp((s) => s.openJob)
  const analyses = useApp((s) => s.analyses)
  const openImage = useApp((s) => s.openImage)
  const cancelOpen = useApp((s) => s.cancelOpen)
  const back = useApp((s) => s.back)
  const dismiss = useApp((s) => s.dismissOpenError)
  const v = view.name === 'image' ? view : null
  const analysis = v?.key ? analyses[v.key] : undefined
  const jobHere = job && v && sameSource(job.source, v.source) ? job : null
  // Cached images open in a blink: the progress bar only appears when opening takes a while.
  const [showProgress, setShowProgress] = useState(false)
  const jobId = jobHere && !jobHere.error ? jobHere.jobId : null
  useEffect(() => {
    setShowProgress(false)
    if (!jobId) return
    const t = setTimeout(() => setShowProgress(true), 300)
    return () => clearTimeout(t)
  }, [jobId])

  // A remembered view after a reload: reopen it (the layer cache makes this quick).
  useEffect(() => {
    if (v && !analysis && !jobHere && v.source) void openImage(v.source, v.label)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [v?.key, v?.source])

  if (analysis) return <ImageView analysis={analysis} />
  if (jobHere?.error) {
    const cancelled = jobHere.error.code === 'CANCELLED'
    return (
      <div className="page">
        <EmptyState
          testId={cancelled ? 'open-cancelled' : 'open-error'}
          title={cancelled ? `Analysis of ${jobHere.label} cancelled` : `Could not open ${jobHere.label}`}
          actions={
            <>
              <Button variant="primary" onClick={() => void openImage(jobHere.source, jobHere.label)}>
                {cancelled ? 'Start again' : 'Try again'}
              </Button>
              <Button
                onClick={() => {
                  dismiss()
                  back()
                }}
              >
                Back to images
              </Button>
            </>
          }
        >
          {cancelled ? <p>Nothing was kept. Layers already analysed stay in the cache, so starting again is faster.</p> : <ErrorBanner error={jobHere.error} />}
        </EmptyState>
      </div>
    )
  }
  // The layer list and history as soon as the source described the image, while its layers
  // are read (after the same short wait as the bar: a quick open does not flash it).
  if (jobHere?.preview && showProgress) return <PreviewView job={jobHere} preview={jobHere.preview} />
  if (jobHere && !showProgress) return <div className="page" data-testid="opening-quietly" />
  if (jobHere) {
    return (
      <div className="page">
        <div className="opening">
          <ProgressBar
            title={`Analysing ${jobHere.label}`}
            progress={jobHere.progress}
            startedAt={jobHere.startedAt}
            onCancel={() => void cancelOpen()}
            cancelling={jobHere.cancelling}
          />
          <p className="muted small">
            Layerscope reads the image export once, layer by layer, holding only file headers. Layers seen before come from the cache.
          </p>
        </div>
      </div>
    )
  }
  return (
    <div className="page">
      <EmptyState title="No image open" actions={<Button onClick={() => back()}>Back to images</Button>}>
        Pick an image in the list, or open an archive.
      </EmptyState>
    </div>
  )
}

// A panel's error, with the way out: Retry, or — when the backend no longer holds the
// analysis (it keeps a few; or `serve` restarted) — reopen the image (fast from the cache).
import type { ApiError } from '../../../../shared/errors'
import { Button } from '../../components/Button'
import { ErrorBanner } from '../../components/States'
import { useApp } from '../../stores'

export function PanelError({ error, onRetry, onDismiss }: { error: ApiError; onRetry?: () => void; onDismiss?: () => void }): React.JSX.Element {
  const view = useApp((s) => s.view)
  const openImage = useApp((s) => s.openImage)
  const forgotten = error.code === 'NOT_FOUND' && view.name === 'image' && view.source
  return (
    <ErrorBanner
      error={error}
      onDismiss={onDismiss}
      actions={
        forgotten ? (
          <Button size="sm" variant="primary" onClick={() => view.name === 'image' && view.source && void openImage(view.source, view.label)}>
            Reopen image
          </Button>
        ) : onRetry ? (
          <Button size="sm" onClick={onRetry}>
            Retry
          </Button>
        ) : undefined
      }
    />
  )
}

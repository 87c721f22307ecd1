// "Open archive…": a path on the backend's machine (docker save output or an OCI layout,
// directory or tar). Electron adds a native Browse dialog; dropping a file works everywhere.
import { useState } from 'react'
import { api } from '../../api'
import { Button } from '../../components/Button'
import { OpenForm } from '../../components/OpenForm'
import { call, toApiError } from '../../lib/call'
import { useApp } from '../../stores'

export function OpenArchiveForm({ autoFocus, compact }: { autoFocus?: boolean; compact?: boolean }): React.JSX.Element {
  const openImage = useApp((s) => s.openImage)
  const [path, setPath] = useState('')
  const [error, setError] = useState<string | null>(null)
  const electron = api?.front === 'electron'
  const submit = (p: string): void => {
    const trimmed = p.trim()
    if (!trimmed) return setError('Type the path of a .tar made by `docker save`, or of an OCI layout directory.')
    setError(null)
    void openImage({ kind: 'archive', path: trimmed })
  }
  const browse = async (): Promise<void> => {
    try {
      const r = await call('dialog:open', { kind: 'archive' })
      if (r.path) submit(r.path)
    } catch (e) {
      setError(toApiError(e).message)
    }
  }
  return (
    <OpenForm
      value={path}
      onChange={setPath}
      onSubmit={() => submit(path)}
      placeholder="/path/to/image.tar or OCI layout directory"
      label="Archive path"
      testId="archive-path"
      autoFocus={autoFocus}
      compact={compact}
      error={error}
      hint={!compact && '…or drop an image archive anywhere in this window.'}
    >
      {electron && (
        <Button onClick={() => void browse()} title="Choose a file">
          Browse…
        </Button>
      )}
    </OpenForm>
  )
}

// The app shell: sidebar (Images, Compare, Dockerfile, History), top bar with the engine status,
// theme, drag-and-drop of archives anywhere, and the current screen.
import { useEffect, useState } from 'react'
import { api } from './api'
import { AppShell, Icons } from './components/AppShell'
import { Segmented } from './components/Button'
import { CompareScreen } from './features/compare'
import { DockerfileScreen } from './features/dockerfile'
import { HistoryIcon, HistoryScreen } from './features/history'
import { ImageScreen } from './features/image'
import { ImagesScreen } from './features/images'
import { EngineStatusBadge } from './features/images/EngineStatusBadge'
import { useApp } from './stores'
import { useResolvedTheme } from './lib/theme'
import type { ThemeChoice } from './stores/settings'

export function App(): React.JSX.Element {
  const view = useApp((s) => s.view)
  const navigate = useApp((s) => s.navigate)
  const theme = useApp((s) => s.settings.theme)
  const updateSettings = useApp((s) => s.updateSettings)
  const engine = useApp((s) => s.engine)
  const loadImages = useApp((s) => s.loadImages)

  // The resolved theme (the user's choice or the system's) drives the CSS variables.
  const resolvedTheme = useResolvedTheme()
  useEffect(() => {
    document.documentElement.dataset.theme = resolvedTheme
  }, [resolvedTheme])
  // The engine status shows on every screen, so it is fetched once by the shell.
  useEffect(() => {
    if (!engine) void loadImages()
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  const screen = (() => {
    switch (view.name) {
      case 'images':
        return <ImagesScreen />
      case 'image':
        return <ImageScreen />
      case 'compare':
        return <CompareScreen />
      case 'dockerfile':
        return <DockerfileScreen />
      case 'history':
        return <HistoryScreen />
    }
  })()

  return (
    <DropTarget>
      <AppShell
        nav={[
          { id: 'images', label: 'Images', icon: Icons.images, active: view.name === 'images' || view.name === 'image', onSelect: () => navigate({ name: 'images' }) },
          { id: 'compare', label: 'Compare', icon: Icons.compare, active: view.name === 'compare', onSelect: () => navigate({ name: 'compare' }) },
          { id: 'dockerfile', label: 'Dockerfile', icon: Icons.dockerfile, active: view.name === 'dockerfile', onSelect: () => navigate({ name: 'dockerfile' }) },
          { id: 'history', label: 'History', icon: HistoryIcon, active: view.name === 'history', onSelect: () => navigate({ name: 'history' }) }
        ]}
        topRight={<EngineStatusBadge />}
        footer={
          <Segmented<ThemeChoice>
            label="Theme"
            value={theme}
            onChange={(t) => updateSettings({ theme: t })}
            options={[
              { value: 'system', label: 'Auto', title: 'Follow the system' },
              { value: 'light', label: 'Light' },
              { value: 'dark', label: 'Dark' }
            ]}
          />
        }
      >
        {screen}
      </AppShell>
    </DropTarget>
  )
}

/** Dropping an image archive anywhere opens it (Electron: its real path; browser: uploaded). */
function DropTarget({ children }: { children: React.ReactNode }): React.JSX.Element {
  const openImage = useApp((s) => s.openImage)
  const [over, setOver] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const hasFiles = (e: React.DragEvent): boolean => Array.from(e.dataTransfer.types).includes('Files')
  return (
    <div
      className="drop-root"
      onDragOver={(e) => {
        if (!hasFiles(e)) return
        e.preventDefault()
        setOver(true)
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target || !e.currentTarget.contains(e.relatedTarget as Node)) setOver(false)
      }}
      onDrop={(e) => {
        if (!hasFiles(e)) return
        e.preventDefault()
        setOver(false)
        const file = e.dataTransfer.files[0]
        if (!file || !api) return
        setError(null)
        api
          .pathForFile(file)
          .then((path) => openImage({ kind: 'archive', path }, file.name))
          .catch((err: unknown) => setError(`Could not open ${file.name}: ${err instanceof Error ? err.message : String(err)}`))
      }}
    >
      {children}
      {over && (
        <div className="drop-overlay">
          <div>Drop an image archive to open it</div>
          <div className="muted">docker save tar or OCI layout tar</div>
        </div>
      )}
      {error && (
        <div className="toast" role="alert" onClick={() => setError(null)}>
          {error}
        </div>
      )}
    </div>
  )
}

// What the desktop front asks of the page (its menu, an archive on the command line or opened
// with the app). Subscribed at start-up, before the first render, so nothing sent early is lost.
import type { AppCommand } from '../../../shared/models/app-command'
import { archiveFileName } from '../../../shared/image-source'
import { api } from '../api'
import { useApp } from '../stores'

/** The report export menu listens for this (it owns what to export for the screen shown). */
export const EXPORT_REPORT_EVENT = 'layerscope:export-report'

export function runAppCommand(c: AppCommand): void {
  const s = useApp.getState()
  switch (c.kind) {
    case 'open-archive':
      void s.openImage({ kind: 'archive', path: c.path }, archiveFileName(c.path))
      return
    case 'open-dockerfile':
      s.navigate({ name: 'dockerfile', path: c.path })
      return
    case 'export-report':
      globalThis.dispatchEvent(new CustomEvent(EXPORT_REPORT_EVENT))
      return
    case 'theme':
      s.updateSettings({ theme: c.theme })
      return
  }
}

api?.on('app:command', runAppCommand)

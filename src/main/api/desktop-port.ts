// Desktop-only features (file dialogs, the clipboard) as a port: the Electron front injects
// its implementation (src/main/desktop/electron-desktop.ts); the browser and the CLI get
// noDesktop, which answers with a message saying what to do instead. Nothing here imports electron.
import { LayerscopeError } from '../core/errors'
import type { ReportDesktop } from '../core/report/report-service'

export type { SaveDialogOptions } from '../core/report/report-service'

export type OpenDialogKind = 'archive' | 'dockerfile' | 'directory'

export interface Desktop extends ReportDesktop {
  /** The path picked in the native open dialog, or null when the user cancelled. */
  openDialog(kind: OpenDialogKind): Promise<string | null>
}

export const DIALOG_DESKTOP_ONLY = 'File dialogs exist only in the desktop app: drop an archive on the window or type its path.'
export const REPORT_DESKTOP_ONLY =
  'Saving with a dialog and copying to the clipboard exist only in the desktop app; in the browser the report downloads as a file.'

/** The browser and CLI fronts: every desktop feature answers INVALID_INPUT with what to do instead. */
export const noDesktop: Desktop = {
  ensure: () => {
    throw new LayerscopeError('INVALID_INPUT', REPORT_DESKTOP_ONLY)
  },
  openDialog: async () => {
    throw new LayerscopeError('INVALID_INPUT', DIALOG_DESKTOP_ONLY)
  },
  saveDialog: async () => {
    throw new LayerscopeError('INVALID_INPUT', REPORT_DESKTOP_ONLY)
  },
  copyPng: async () => {
    throw new LayerscopeError('INVALID_INPUT', REPORT_DESKTOP_ONLY)
  }
}

/**
 * What the desktop front asks the app to do from its menu, the command line or the OS (an
 * archive passed on the command line, a file opened with the app). Sent as the `app:command` event.
 */
export type AppCommand =
  | { kind: 'open-archive'; path: string }
  | { kind: 'open-dockerfile'; path: string }
  | { kind: 'export-report' }
  | { kind: 'theme'; theme: 'system' | 'light' | 'dark' }

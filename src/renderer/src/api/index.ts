// STUB: owned by the fronts work (issue 2). window.api in Electron, HTTP/SSE client in a browser.
import type { LayerscopeApi } from '../../../shared/api'

declare global {
  interface Window {
    api?: LayerscopeApi
  }
}

export const api: LayerscopeApi = window.api as LayerscopeApi

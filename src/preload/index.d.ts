import type { LayerscopeApi } from '../shared/api'

declare global {
  interface Window {
    api?: LayerscopeApi
  }
}
export {}

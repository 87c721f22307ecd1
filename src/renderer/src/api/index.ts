import type { LayerscopeApi } from '../../../shared/api'
import { createHttpApi } from './http-client'

/** window.api in Electron (from the preload); the HTTP/SSE client when served to a browser. */
export const api: LayerscopeApi = window.api ?? createHttpApi()

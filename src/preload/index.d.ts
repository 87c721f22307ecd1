import type { Channel, LayerscopeApi, Req, Res } from '../shared/api'
import type { ApiResult } from '../shared/errors'

/** What the Electron preload exposes: the contract plus one method per channel. */
export type ElectronApi = LayerscopeApi & {
  channels: { [C in Channel]: (req: Req<C>) => Promise<ApiResult<Res<C>>> }
}

declare global {
  interface Window {
    api?: LayerscopeApi & Partial<Pick<ElectronApi, 'channels'>>
  }
}
export {}

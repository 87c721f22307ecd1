import type { Channel } from '../../shared/api'
import type { BackendOptions } from './backend'
import { Dispatcher } from './dispatch'
import { analysisHandlers } from './handlers/analysis'
import { appHandlers } from './handlers/app'
import { compareHandlers } from './handlers/compare'
import { dockerfileHandlers } from './handlers/dockerfile'
import { reportHandlers } from './handlers/report'
import { registryHandlers } from './handlers/registry'
import { Services } from './services'
import type { Handler, Handlers } from './types'

export interface Backend {
  services: Services
  dispatcher: Dispatcher
}

/** Front-specific handlers (Electron: dialog:open with the native dialog) replacing the defaults. */
export type HandlerOverrides = Partial<{ [C in Channel]: Handler<C> }>

/** One backend per process; every front (Electron IPC, serve, CLI) calls through its dispatcher. */
export function createBackend(options: BackendOptions, overrides: HandlerOverrides = {}): Backend {
  const services = new Services(options)
  const handlers: Omit<Handlers, 'job:cancel'> = {
    ...appHandlers(services),
    ...analysisHandlers(services),
    ...compareHandlers(services),
    ...dockerfileHandlers(services),
    ...reportHandlers(services),
    ...registryHandlers(services)
  }
  // job:cancel is answered by the dispatcher itself.
  const all: Handlers = { ...handlers, ...overrides, 'job:cancel': async () => ({ cancelled: false }) }
  return { services, dispatcher: new Dispatcher(all) }
}

import type { BackendOptions } from './backend'
import { Dispatcher } from './dispatch'
import { analysisHandlers } from './handlers/analysis'
import { appHandlers } from './handlers/app'
import { compareHandlers } from './handlers/compare'
import { dockerfileHandlers } from './handlers/dockerfile'
import { reportHandlers } from './handlers/report'
import { Services } from './services'
import type { Handlers } from './types'

export interface Backend {
  services: Services
  dispatcher: Dispatcher
}

/** One backend per process; every front (Electron IPC, serve, CLI) calls through its dispatcher. */
export function createBackend(options: BackendOptions): Backend {
  const services = new Services(options)
  const handlers: Omit<Handlers, 'job:cancel'> = {
    ...appHandlers(services),
    ...analysisHandlers(services),
    ...compareHandlers(services),
    ...dockerfileHandlers(services),
    ...reportHandlers(services)
  }
  // job:cancel is answered by the dispatcher itself.
  const all: Handlers = { ...handlers, 'job:cancel': async () => ({ cancelled: false }) }
  return { services, dispatcher: new Dispatcher(all) }
}

import type { BackendOptions } from './backend'
import { Dispatcher } from './dispatch'
import { analysisHandlers } from './handlers/analysis'
import { appHandlers } from './handlers/app'
import { compareHandlers } from './handlers/compare'
import { dockerfileHandlers } from './handlers/dockerfile'
import { registryHandlers } from './handlers/registry'
import { historyHandlers } from './handlers/history'
import { reportHandlers } from './handlers/report'
import { settingsHandlers } from './handlers/settings'
import { Services, type ServiceDeps } from './services'

export interface Backend {
  services: Services
  dispatcher: Dispatcher
}

/**
 * One backend per process; every front (Electron IPC, serve, CLI) calls through its dispatcher.
 * Fronts differ only by what they inject (the Electron front: its Desktop).
 */
export function createBackend(options: BackendOptions, deps: ServiceDeps = {}): Backend {
  const services = new Services(options, deps)
  // job:cancel is answered by the dispatcher itself.
  const dispatcher = new Dispatcher({
    ...appHandlers(services),
    ...analysisHandlers(services),
    ...compareHandlers(services),
    ...dockerfileHandlers(services),
    ...reportHandlers(services),
    ...registryHandlers(services),
    ...historyHandlers(services),
    ...settingsHandlers(services)
  })
  return { services, dispatcher }
}

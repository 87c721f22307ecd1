import type { Services } from '../services'
import type { HandlerGroup } from '../types'

// The request arrives validated (src/shared/schemas/settings.ts): hosts checked, trimmed, deduplicated.
export function settingsHandlers(s: Services): HandlerGroup<'settings:get' | 'settings:set'> {
  return {
    'settings:get': async () => s.settings(),
    'settings:set': async (req) => s.updateSettings(req.insecureRegistries !== undefined ? { insecureRegistries: req.insecureRegistries } : {})
  }
}

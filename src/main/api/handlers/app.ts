import type { Services } from '../services'
import type { HandlerGroup } from '../types'
import { notYet } from './stub'

export function appHandlers(s: Services): HandlerGroup<'app:info' | 'engine:status' | 'images:list' | 'images:samples' | 'dialog:open'> {
  return {
    'app:info': async () => ({
      version: s.options.version,
      front: s.options.front === 'electron' ? 'electron' : 'browser',
      platform: process.platform
    }),
    'engine:status': async () => s.engine().status(),
    'images:list': async () => s.engine().listImages(),
    'images:samples': notYet('Sample archives'),
    'dialog:open': notYet('File dialogs')
  }
}

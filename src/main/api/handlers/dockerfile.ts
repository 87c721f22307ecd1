import type { Services } from '../services'
import type { HandlerGroup } from '../types'
import { notYet } from './stub'

export function dockerfileHandlers(_s: Services): HandlerGroup<'dockerfile:open' | 'dockerfile:build' | 'dockerfile:links'> {
  return {
    'dockerfile:open': notYet('Dockerfiles'),
    'dockerfile:build': notYet('Stage builds'),
    'dockerfile:links': notYet('Layer-to-line links')
  }
}

import type { Services } from '../services'
import type { HandlerGroup } from '../types'
import { notYet } from './stub'

export function compareHandlers(_s: Services): HandlerGroup<'compare:open' | 'compare:contributors' | 'compare:treemap'> {
  return {
    'compare:open': notYet('Compare'),
    'compare:contributors': notYet('Compare'),
    'compare:treemap': notYet('Compare')
  }
}

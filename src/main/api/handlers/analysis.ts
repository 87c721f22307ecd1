import type { Services } from '../services'
import type { HandlerGroup } from '../types'
import { notYet } from './stub'

export function analysisHandlers(
  _s: Services
): HandlerGroup<'analysis:open' | 'analysis:tree' | 'analysis:search' | 'analysis:treemap' | 'analysis:waste' | 'cache:info' | 'cache:clear'> {
  return {
    'analysis:open': notYet('Image analysis'),
    'analysis:tree': notYet('File trees'),
    'analysis:search': notYet('File search'),
    'analysis:treemap': notYet('Treemaps'),
    'analysis:waste': notYet('Waste'),
    'cache:info': notYet('The layer cache'),
    'cache:clear': notYet('The layer cache')
  }
}

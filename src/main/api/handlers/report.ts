import type { Services } from '../services'
import type { HandlerGroup } from '../types'
import { notYet } from './stub'

export function reportHandlers(_s: Services): HandlerGroup<'report:render'> {
  return {
    'report:render': notYet('Reports')
  }
}

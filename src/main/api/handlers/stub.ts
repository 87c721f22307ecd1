import { LayerscopeError } from '../../core/errors'

/** Placeholder for a channel whose feature is not built yet. */
export function notYet(feature: string): () => Promise<never> {
  return async () => {
    throw new LayerscopeError('INTERNAL', `${feature} is not available in this build yet.`)
  }
}

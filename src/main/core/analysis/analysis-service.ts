// STUB: owned by the analysis core work (issue 3). Replace the bodies; keep the shape.
import type { AnalyzeOptions, ImageSource, JobProgress } from '../../../shared/models/analysis'
import type { EngineClient } from '../engine/engine-client'
import { LayerscopeError } from '../errors'
import type { AnalyzedImage } from './analyzed-image'

export interface OpenOptions extends AnalyzeOptions {
  signal?: AbortSignal
  onProgress?: (p: Omit<JobProgress, 'jobId'>) => void
}

export class AnalysisService {
  constructor(readonly opts: { engine: () => EngineClient; cacheDir: string }) {}

  async open(_source: ImageSource, _options: OpenOptions = {}): Promise<AnalyzedImage> {
    throw new LayerscopeError('INTERNAL', 'not implemented')
  }

  /** An image opened earlier in this process; NOT_FOUND when the key is unknown. */
  get(key: string): AnalyzedImage {
    throw new LayerscopeError('NOT_FOUND', `No analysis ${key} is open; open the image again.`)
  }
}

import { AnalysisService } from '../core/analysis/analysis-service'
import { EngineClient } from '../core/engine/engine-client'
import type { BackendOptions } from './backend'

/** The long-lived core services of one process, made on first use. */
export class Services {
  private engineClient?: EngineClient
  private analysisService?: AnalysisService

  constructor(readonly options: BackendOptions) {}

  engine(): EngineClient {
    this.engineClient ??= EngineClient.fromEnvironment()
    return this.engineClient
  }

  analysis(): AnalysisService {
    this.analysisService ??= new AnalysisService({
      engine: () => this.engine(),
      cacheDir: this.options.cacheDir
    })
    return this.analysisService
  }
}

import { AnalysisService } from '../core/analysis/analysis-service'
import { EngineClient } from '../core/engine/engine-client'
import { RegistryClient } from '../core/registry'
import type { BackendOptions } from './backend'

/** The long-lived core services of one process, made on first use. */
export class Services {
  private engineClient?: EngineClient
  private analysisService?: AnalysisService
  private registryClient?: RegistryClient

  constructor(readonly options: BackendOptions) {}

  /** The engine as DOCKER_HOST / the Docker context / the default socket / Podman say (resolved once). */
  engine(): EngineClient {
    this.engineClient ??= EngineClient.fromEnvironment()
    return this.engineClient
  }

  /** Forget the resolved engine so the next call resolves again (after a failed status). */
  resetEngine(): void {
    this.engineClient = undefined
  }

  /** One registry client per process: kept-alive connections and tokens (in memory only). */
  registry(): RegistryClient {
    this.registryClient ??= new RegistryClient({ insecureRegistries: this.options.insecureRegistries ?? [] })
    return this.registryClient
  }

  analysis(): AnalysisService {
    this.analysisService ??= new AnalysisService({
      engine: () => this.engine(),
      registry: () => this.registry(),
      cacheDir: this.options.cacheDir
    })
    return this.analysisService
  }
}

import { AnalysisService } from '../core/analysis/analysis-service'
import { DockerfileService } from '../core/dockerfile/dockerfile-service'
import { EngineClient } from '../core/engine/engine-client'
import { RegistryClient } from '../core/registry'
import type { BackendOptions } from './backend'

/** The long-lived core services of one process, made on first use. */
export class Services {
  private engineClient?: EngineClient
  private analysisService?: AnalysisService
  private registryClient?: RegistryClient
  private dockerfileService?: DockerfileService

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

  /** Dockerfiles: open, stage builds (keeps the last measurements and each engine's builder), links. */
  dockerfile(): DockerfileService {
    this.dockerfileService ??= new DockerfileService({
      engine: () => this.engine(),
      openHistory: (key) => {
        try {
          return this.analysis()
            .get(key)
            .analysis.history.map((h) => ({ createdBy: h.createdByRaw, size: h.engineSize ?? 0, emptyLayer: h.emptyLayer, layerIndex: h.layerIndex }))
        } catch {
          return undefined // not an open analysis: the service asks the engine
        }
      }
    })
    return this.dockerfileService
  }
}

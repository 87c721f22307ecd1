import { join } from 'node:path'
import { AnalysisService } from '../core/analysis/analysis-service'
import { CompareService } from '../core/compare/compare-service'
import { DockerfileService } from '../core/dockerfile/dockerfile-service'
import { EngineClient } from '../core/engine/engine-client'
import { HistoryService } from '../core/history/history-service'
import { RegistryClient } from '../core/registry'
import { ReportService } from '../core/report/report-service'
import type { BackendOptions } from './backend'
import { noDesktop, type Desktop } from './desktop-port'

export interface ServiceDeps {
  /** Native dialogs and the clipboard: the Electron front's; the browser and CLI get noDesktop. */
  desktop?: Desktop
}

/**
 * The long-lived core services of one process, made on first use. All state the backend keeps
 * between calls (open analyses, kept diffs, build measurements) lives in these services.
 */
export class Services {
  readonly desktop: Desktop
  private engineClient?: EngineClient
  private analysisService?: AnalysisService
  private registryClient?: RegistryClient
  private dockerfileService?: DockerfileService
  private compareService?: CompareService
  private reportService?: ReportService
  private historyService?: HistoryService

  constructor(
    readonly options: BackendOptions,
    deps: ServiceDeps = {}
  ) {
    this.desktop = deps.desktop ?? noDesktop
  }

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
      registry: () => this.registry(),
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

  /** Beside the analysis service it reads from: keeps the last few diffs for drill-down and reports. */
  compare(): CompareService {
    this.compareService ??= new CompareService(() => this.analysis())
    return this.compareService
  }

  report(): ReportService {
    this.reportService ??= new ReportService({
      images: () => this.analysis(),
      compare: () => this.compare(),
      dockerfile: (path, signal) => this.dockerfile().open({ path }, signal),
      desktop: this.desktop,
      fontsDir: join(this.options.resourcesDir, 'fonts'),
      generator: `Layerscope ${this.options.version}`
    })
    return this.reportService
  }

  /** Size over time: series from manifests/configs or inspect; jumps through the compare service (shared layer cache). */
  history(): HistoryService {
    // Its own client (same options as registry()) so a series can count the requests it made.
    this.historyService ??= new HistoryService({ engine: () => this.engine(), compare: () => this.compare(), registry: { insecureRegistries: this.options.insecureRegistries ?? [] } })
    return this.historyService
  }
}

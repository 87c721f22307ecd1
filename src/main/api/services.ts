import { join } from 'node:path'
import type { DockerfileAnalysis } from '../../shared/models/dockerfile'
import { AnalysisService } from '../core/analysis/analysis-service'
import { CompareService } from '../core/compare/compare-service'
import { EngineClient } from '../core/engine/engine-client'
import { LayerscopeError } from '../core/errors'
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
  private compareService?: CompareService
  private reportService?: ReportService
  /**
   * How a report reads the Dockerfile it includes: the dockerfile:open channel, set by
   * createBackend (becomes `this.dockerfile().open` once DockerfileService is registered here).
   */
  openDockerfile: (path: string, signal: AbortSignal) => Promise<DockerfileAnalysis> = async () => {
    throw new LayerscopeError('INTERNAL', 'No Dockerfile reader is attached to this backend.')
  }

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

  analysis(): AnalysisService {
    this.analysisService ??= new AnalysisService({
      engine: () => this.engine(),
      cacheDir: this.options.cacheDir
    })
    return this.analysisService
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
      dockerfile: (path, signal) => this.openDockerfile(path, signal),
      desktop: this.desktop,
      fontsDir: join(this.options.resourcesDir, 'fonts'),
      generator: `Layerscope ${this.options.version}`
    })
    return this.reportService
  }
}

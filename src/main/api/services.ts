import { join } from 'node:path'
import { AnalysisService } from '../core/analysis/analysis-service'
import { CompareService } from '../core/compare/compare-service'
import { DockerfileService } from '../core/dockerfile/dockerfile-service'
import { EngineClient } from '../core/engine/engine-client'
import { HistoryService } from '../core/history/history-service'
import { LayerscopeError } from '../core/errors'
import { RegistryClient, type RegistryClientOptions } from '../core/registry'
import { SettingsFile } from '../core/registry/settings-file'
import { ReportService } from '../core/report/report-service'
import type { BackendOptions } from './backend'
import { noDesktop, type Desktop } from './desktop-port'
import { DEFAULT_SETTINGS, type AppSettings } from '../../shared/schemas/settings'

export interface ServiceDeps {
  /** Native dialogs and the clipboard: the Electron front's; the browser and CLI get noDesktop. */
  desktop?: Desktop
  /** Extra options of the one registry client (tests: a request log, what names resolve to). */
  registry?: Pick<RegistryClientOptions, 'onRequest' | 'lookupAddresses' | 'env' | 'certsDirs'>
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
  private readonly settingsFile?: SettingsFile
  private appSettings?: AppSettings

  constructor(
    readonly options: BackendOptions,
    private readonly deps: ServiceDeps = {}
  ) {
    this.desktop = deps.desktop ?? noDesktop
    if (options.settingsFile) this.settingsFile = new SettingsFile(options.settingsFile)
  }

  /** The app's settings as saved (read once; the defaults for the CLI, whose settings are its flags). */
  settings(): AppSettings {
    this.appSettings ??= this.settingsFile ? this.settingsFile.read() : { ...DEFAULT_SETTINGS }
    return this.appSettings
  }

  /** Saves the settings given over the current ones and applies them to the registry client at once. */
  async updateSettings(patch: Partial<AppSettings>): Promise<AppSettings> {
    if (!this.settingsFile) throw new LayerscopeError('INVALID_INPUT', 'Only the app keeps settings; on the command line pass --insecure-registry HOST instead.')
    let current: AppSettings
    try {
      current = this.settings()
    } catch {
      current = { ...DEFAULT_SETTINGS } // a broken file is replaced by what the person sets now
    }
    const next: AppSettings = { ...current, ...patch }
    await this.settingsFile.write(next)
    this.appSettings = next
    this.registryClient?.setInsecureRegistries(this.insecureRegistries())
    return next
  }

  /** Hosts allowed plain HTTP: the front's flags (`--insecure-registry`) and the app's setting. */
  private insecureRegistries(): string[] {
    return [...new Set([...(this.options.insecureRegistries ?? []), ...this.settings().insecureRegistries])]
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

  /**
   * One registry client per process, used by every service (analysis, history, tags): kept-alive
   * connections and tokens (in memory only), the plain-HTTP policy of the flags and the setting.
   */
  registry(): RegistryClient {
    this.registryClient ??= new RegistryClient({
      ...this.deps.registry,
      insecureRegistries: this.insecureRegistries(),
      // The app names its setting in refusals, the CLI its flag.
      insecureHint: this.options.front === 'cli' ? 'flag' : 'setting'
    })
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
    this.historyService ??= new HistoryService({ engine: () => this.engine(), compare: () => this.compare(), registry: () => this.registry() })
    return this.historyService
  }
}

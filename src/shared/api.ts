// The one API contract. Every front (Electron IPC, `serve` over HTTP, the CLI) carries these
// channels; the renderer only ever sees a LayerscopeApi and never knows which front it runs in.
import type { ApiResult } from './errors'
import type { EngineStatus } from './models/engine'
import type { ImageSummary, SampleArchive } from './models/images'
import type {
  AnalyzeOptions,
  FileNode,
  ImageAnalysis,
  ImageSource,
  JobProgress,
  TreeScope,
  TreemapNode,
  WastePath
} from './models/analysis'
import type { Comparison, Contributor, DiffTreemapNode } from './models/compare'
import type { DockerfileAnalysis, LayerLineLink, StageGraph } from './models/dockerfile'
import type { ReportOutput, ReportRequest } from './models/report'

/** Requests of long jobs carry a jobId chosen by the caller: progress events and job:cancel use it. */
export interface JobRequest {
  jobId?: string
}

export interface Channels {
  'app:info': { req: Record<string, never>; res: { version: string; front: 'electron' | 'browser'; platform: string } }
  'engine:status': { req: Record<string, never>; res: EngineStatus }
  /**
   * all: also intermediate images (`docker images -a`); filters: the engine's image filters as
   * `docker images --filter` takes them, e.g. { reference: ['myapp:*'], dangling: ['true'] }.
   */
  'images:list': { req: { all?: boolean; filters?: Record<string, string[]> }; res: ImageSummary[] }
  'images:samples': { req: Record<string, never>; res: SampleArchive[] }
  /** Native file dialog (Electron only; the browser front answers INVALID_INPUT). */
  'dialog:open': {
    req: { kind: 'archive' | 'dockerfile' | 'directory' }
    res: { path: string | null }
  }
  'job:cancel': { req: { jobId: string }; res: { cancelled: boolean } }

  'analysis:open': {
    req: JobRequest & { source: ImageSource; options?: AnalyzeOptions }
    res: ImageAnalysis
  }
  'analysis:tree': {
    req: { scope: TreeScope; path: string; sort?: 'size' | 'name'; offset?: number; limit?: number }
    res: { node: FileNode; children: FileNode[]; total: number }
  }
  'analysis:search': {
    req: { scope: TreeScope; query: string; limit?: number }
    res: { matches: FileNode[]; total: number }
  }
  'analysis:treemap': {
    req: { scope: TreeScope; path: string; depth?: number; maxNodes?: number }
    res: TreemapNode
  }
  'analysis:waste': {
    req: { key: string; offset?: number; limit?: number }
    res: { paths: WastePath[]; total: number }
  }
  'cache:info': { req: Record<string, never>; res: { dir: string; entries: number; bytes: number } }
  'cache:clear': { req: Record<string, never>; res: { removedEntries: number; removedBytes: number } }

  'compare:open': {
    req: JobRequest & { a: ImageSource; b: ImageSource; options?: AnalyzeOptions }
    res: Comparison
  }
  'compare:contributors': {
    req: { aKey: string; bKey: string; path: string; limit?: number }
    res: Contributor[]
  }
  'compare:treemap': {
    req: { aKey: string; bKey: string; path: string; depth?: number; maxNodes?: number }
    res: DiffTreemapNode
  }

  'dockerfile:open': {
    req: { path: string; contextDir?: string; target?: string; buildArgs?: Record<string, string> }
    res: DockerfileAnalysis
  }
  'dockerfile:build': {
    req: JobRequest & {
      path: string
      contextDir?: string
      target?: string
      buildArgs?: Record<string, string>
      /** Keep the stage images (labelled org.layerscope.stage-build=1) instead of removing them. */
      keepImages?: boolean
    }
    res: StageGraph
  }
  'dockerfile:links': {
    req: { path: string; imageKey: string; target?: string; buildArgs?: Record<string, string> }
    res: LayerLineLink[]
  }

  'report:render': { req: ReportRequest; res: ReportOutput }
  /** Desktop app only: renders the report and writes it where the user picks in the native save dialog. */
  'report:save': { req: ReportRequest; res: { path: string | null } }
  /** Desktop app only: renders the report as PNG and puts the picture on the clipboard. */
  'report:copy': { req: ReportRequest; res: { copied: boolean } }
  /** Tags of a registry repository (`registry://HOST[:PORT]/REPO`), every page, registry order. */
  'registry:tags': { req: { ref: string }; res: { repository: string; tags: string[] } }
}

export type Channel = keyof Channels
export type Req<C extends Channel> = Channels[C]['req']
export type Res<C extends Channel> = Channels[C]['res']

/** Every channel name, for fronts that register or expose one method per channel. */
export const CHANNELS = [
  'app:info',
  'engine:status',
  'images:list',
  'images:samples',
  'dialog:open',
  'job:cancel',
  'analysis:open',
  'analysis:tree',
  'analysis:search',
  'analysis:treemap',
  'analysis:waste',
  'cache:info',
  'cache:clear',
  'compare:open',
  'compare:contributors',
  'compare:treemap',
  'dockerfile:open',
  'dockerfile:build',
  'dockerfile:links',
  'report:render',
  'report:save',
  'report:copy',
  'registry:tags'
] as const satisfies readonly Channel[]

// Compile-time check that CHANNELS lists every channel.
type Missing = Exclude<Channel, (typeof CHANNELS)[number]>
const _allListed: Missing extends never ? true : Missing = true
void _allListed

export function isChannel(name: string): name is Channel {
  return (CHANNELS as readonly string[]).includes(name)
}

/** Events main -> renderer. */
export interface Events {
  'job:progress': JobProgress
  'job:log': { jobId: string; line: string; stream: 'stdout' | 'stderr' }
}
export type EventName = keyof Events
export const EVENT_NAMES = ['job:progress', 'job:log'] as const satisfies readonly EventName[]

/** What the renderer is handed: window.api in Electron, an HTTP/SSE client in the browser. */
export interface LayerscopeApi {
  front: 'electron' | 'browser'
  call<C extends Channel>(channel: C, req: Req<C>): Promise<ApiResult<Res<C>>>
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void
  /** Electron: the real path of a dropped File; browser: uploads it and returns the server path. */
  pathForFile(file: File): Promise<string>
}

export type { ApiResult }

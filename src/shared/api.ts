// The one API contract. Every front (Electron IPC, `serve` over HTTP, the CLI) carries these
// channels; the renderer only ever sees a LayerscopeApi and never knows which front it runs in.
import type { ApiResult } from './errors'
import type { EngineStatus } from './models/engine'
import type { ImageSummary, SampleArchive } from './models/images'
import type { AnalyzeOptions, FileNode, ImageAnalysis, ImageSource, JobProgress, TreeScope, TreemapNode, WastePath } from './models/analysis'
import type { Comparison, Contributor, DiffTreemapNode } from './models/compare'
import type { DockerfileAnalysis, LayerLineLink, StageGraph } from './models/dockerfile'
import type { ReportOutput, ReportRequest } from './models/report'
import type { RequestIn, RequestOut, RequestSchemas } from './schemas/requests'
import type { ResponseOf } from './schemas/responses'
import type { AppCommand } from './models/app-command'
import type { HistoryJumps, TagSeries } from './models/history'
import type { AppSettings } from './schemas/settings'

/** Requests of long jobs carry a jobId chosen by the caller: progress events and job:cancel use it. */
export interface JobRequest {
  jobId?: string
}

/**
 * Every channel: its request is what the caller sends, derived from the channel's schema in
 * ./schemas/requests.ts (the dispatcher validates with the same schema before a handler runs;
 * see there for what each field means and accepts); its response is the model it answers, or
 * for the small answers the type of its schema in ./schemas/responses.ts.
 */
export interface Channels {
  'app:info': { req: RequestIn<'app:info'>; res: ResponseOf<'app:info'> }
  'engine:status': { req: RequestIn<'engine:status'>; res: EngineStatus }
  'images:list': { req: RequestIn<'images:list'>; res: ImageSummary[] }
  'images:samples': { req: RequestIn<'images:samples'>; res: SampleArchive[] }
  /** Native file dialog (Electron only; the browser front answers INVALID_INPUT). */
  'dialog:open': { req: RequestIn<'dialog:open'>; res: ResponseOf<'dialog:open'> }
  'job:cancel': { req: RequestIn<'job:cancel'>; res: ResponseOf<'job:cancel'> }

  'analysis:open': { req: RequestIn<'analysis:open'>; res: ImageAnalysis }
  'analysis:tree': { req: RequestIn<'analysis:tree'>; res: { node: FileNode; children: FileNode[]; total: number } }
  'analysis:search': { req: RequestIn<'analysis:search'>; res: { matches: FileNode[]; total: number } }
  'analysis:treemap': { req: RequestIn<'analysis:treemap'>; res: TreemapNode }
  'analysis:waste': { req: RequestIn<'analysis:waste'>; res: { paths: WastePath[]; total: number } }
  /**
   * A read layer's tree while the analysis runs. `changeKinds` is false while a layer below is
   * still unread (`unreadBelow` of them): entries then carry no added/changed kind (whiteouts
   * still show as deleted), since a kind needs every layer below.
   */
  'analysis:layer': { req: RequestIn<'analysis:layer'>; res: { node: FileNode; children: FileNode[]; total: number; changeKinds: boolean; unreadBelow: number } }
  'cache:info': { req: RequestIn<'cache:info'>; res: ResponseOf<'cache:info'> }
  'cache:clear': { req: RequestIn<'cache:clear'>; res: ResponseOf<'cache:clear'> }

  'compare:open': { req: RequestIn<'compare:open'>; res: Comparison }
  'compare:contributors': { req: RequestIn<'compare:contributors'>; res: Contributor[] }
  'compare:treemap': { req: RequestIn<'compare:treemap'>; res: DiffTreemapNode }

  'dockerfile:open': { req: RequestIn<'dockerfile:open'>; res: DockerfileAnalysis }
  'dockerfile:build': { req: RequestIn<'dockerfile:build'>; res: StageGraph }
  'dockerfile:links': { req: RequestIn<'dockerfile:links'>; res: LayerLineLink[] }

  'report:render': { req: RequestIn<'report:render'>; res: ReportOutput }
  /** Desktop app only: renders the report and writes it where the user picks in the native save dialog. */
  'report:save': { req: RequestIn<'report:save'>; res: ResponseOf<'report:save'> }
  /** Desktop app only: renders the report as PNG and puts the picture on the clipboard. */
  'report:copy': { req: RequestIn<'report:copy'>; res: ResponseOf<'report:copy'> }
  /** Tags of a registry repository (`registry://HOST[:PORT]/REPO`), every page, registry order. */
  'registry:tags': { req: RequestIn<'registry:tags'>; res: { repository: string; tags: string[] } }

  /** A repository's tags as one series, from manifests + configs (registry) or inspect (engine): no layer read. */
  'history:series': { req: RequestIn<'history:series'>; res: TagSeries }
  /** The biggest steps of the series, each explained by a compare of its two tags. */
  'history:jumps': { req: RequestIn<'history:jumps'>; res: HistoryJumps }

  /** The app's settings the backend keeps (settings.json in the app's data folder). */
  'settings:get': { req: RequestIn<'settings:get'>; res: AppSettings }
  /** Saves the settings given and applies them at once; answers the settings in force. */
  'settings:set': { req: RequestIn<'settings:set'>; res: AppSettings }
}

export type Channel = keyof Channels
export type Req<C extends Channel> = Channels[C]['req']
/** A request as a handler receives it: validated by the channel's schema, defaults filled in. */
export type ValidReq<C extends Channel> = RequestOut<C>
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
  'analysis:layer',
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
  'registry:tags',
  'history:series',
  'history:jumps',
  'settings:get',
  'settings:set'
] as const satisfies readonly Channel[]

// Compile-time checks: CHANNELS lists every channel, every channel has a schema and no schema
// lacks a channel, and the schemas agree with the models the rest of the code speaks.
type Missing = Exclude<Channel, (typeof CHANNELS)[number]>
const _allListed: Missing extends never ? true : Missing = true
void _allListed
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
type Unschemed = Exclude<Channel, keyof RequestSchemas> | Exclude<keyof RequestSchemas, Channel>
const _allSchemed: Unschemed extends never ? true : Unschemed = true
void _allSchemed
const _modelsAgree: [
  Same<RequestOut<'analysis:open'>['source'], ImageSource>,
  Same<NonNullable<RequestOut<'analysis:open'>['options']>, AnalyzeOptions>,
  Same<RequestOut<'analysis:tree'>['scope'], TreeScope>,
  Same<RequestIn<'report:render'>, ReportRequest>,
  RequestOut<'dockerfile:build'> extends JobRequest ? true : false
] = [true, true, true, true, true]
void _modelsAgree

export function isChannel(name: string): name is Channel {
  return (CHANNELS as readonly string[]).includes(name)
}

/** Events main -> renderer. */
export interface Events {
  'job:progress': JobProgress
  'job:log': { jobId: string; line: string; stream: 'stdout' | 'stderr' }
  /** Desktop front only: a menu item, a command-line archive or a file opened with the app. */
  'app:command': AppCommand
}
export type EventName = keyof Events
export const EVENT_NAMES = ['job:progress', 'job:log', 'app:command'] as const satisfies readonly EventName[]
/** The one IPC channel events travel on in Electron (main -> preload), as [event name, payload]. */
export const IPC_EVENT_CHANNEL = 'layerscope:event'

/** What the renderer is handed: window.api in Electron, an HTTP/SSE client in the browser. */
export interface LayerscopeApi {
  front: 'electron' | 'browser'
  call<C extends Channel>(channel: C, req: Req<C>): Promise<ApiResult<Res<C>>>
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void
  /** Electron: the real path of a dropped File; browser: uploads it and returns the server path. */
  pathForFile(file: File): Promise<string>
}

export type { ApiResult }

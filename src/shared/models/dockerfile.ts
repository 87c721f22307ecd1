import type { BaseAlternatives } from './analysis'

export interface SourceRange {
  /** 1-based lines, inclusive. */
  startLine: number
  endLine: number
}

export interface DockerfileInstruction {
  keyword: string
  /** Original text (continuations joined), for display. */
  text: string
  range: SourceRange
  /** Bytes the layer of this line adds to its stage image, once built (history Size). */
  measuredBytes?: number
}

export interface StageNode {
  id: string
  kind: 'stage' | 'image' | 'scratch'
  /** Stage name (AS x) or its index as a string; for images the reference. */
  name: string
  index?: number
  baseRef?: string
  platform?: string
  instructions: DockerfileInstruction[]
  range?: SourceRange
  isTarget: boolean
  /** Cannot reach the target: BuildKit skips it, the legacy builder builds it. */
  unused: boolean
  /** Measured by building the stage with --target, when the user asked for it. */
  measured?: { imageId: string; size: number; layers: number }
  /**
   * Why the last build of this stage failed, when it did: the engine's words, the failing line and
   * that line's instruction as written (a re-open drops the mark once that line's text changed).
   */
  buildError?: { message: string; line?: number; instruction?: string }
  /** Bytes this stage hands to later stages through COPY --from (measured). */
  passesBytes?: number
  /** External images: their size without a build, and which size it is. */
  imageSize?: ExternalImageSize
  /** External images: why there is no size (not in the engine, no registry answered), in words. */
  imageSizeNote?: string
  /** External images in a registry: slimmer sibling tags measured from their manifests (the same figures Savings shows). */
  slimmer?: BaseAlternatives
}

export interface ExternalImageSize {
  bytes: number
  /**
   * engine: inspect .Size, as `docker images` shows it (the image is in the local engine);
   * download: the manifest's layer blobs + config, what a pull transfers (read from its registry).
   */
  kind: 'engine' | 'download'
  /** The reference as looked up (registry: HOST/REPO:TAG). */
  ref: string
}

export interface StageEdge {
  from: string
  to: string
  kind: 'from' | 'copy' | 'mount'
  /** The line that makes the edge. */
  line: number
  /** Paths copied, for COPY --from. */
  paths?: string[]
  /** Measured bytes copied, when built. */
  bytes?: number
}

export interface StageGraph {
  nodes: StageNode[]
  edges: StageEdge[]
  target: string
  /** Set once the stages were built: which builder the engine used. */
  builder?: 'buildkit' | 'legacy'
  /** Positions from the layout engine (dagre), so the app and the exported SVG agree. */
  layout?: StageGraphLayout
}

export interface LayoutBox {
  /** Centre. */
  x: number
  y: number
  width: number
  height: number
  title: string
  subtitle: string
  /** Instruction summary lines shown in the box. */
  lines: string[]
}

export interface StageGraphLayout {
  width: number
  height: number
  nodes: Record<string, LayoutBox>
  /** Parallel to StageGraph.edges; `label` is the centre dagre kept free for the edge's label. */
  edges: { points: { x: number; y: number }[]; label?: { x: number; y: number } }[]
}

export interface SyntaxProblem {
  line: number
  message: string
}

export interface BuildContextReport {
  dir: string
  /** Everything under the context dir. */
  all: { bytes: number; files: number }
  /** What the build sends after .dockerignore. */
  sent: { bytes: number; files: number }
  hasDockerignore: boolean
  /** Largest included paths (dirs rolled up), largest first. */
  largest: { path: string; bytes: number; files: number }[]
  /** Secrets or clutter that would be sent: .env*, keys, .git. */
  secrets: { path: string; reason: string; bytes: number }[]
  suggestedDockerignore: string
  /** What the build would send with the suggested .dockerignore. */
  suggestedSent?: { bytes: number; files: number }
  /** Symlinks are sent as links (never followed): counted apart from regular files. */
  symlinks?: number
  /** What the Dockerfile takes from the context against what the context sends. */
  warnings?: ContextWarnings
}

export interface ContextWarnings {
  /**
   * COPY/ADD sources (not --from) that no sent entry matches. A path: the build stops at that
   * line. A wildcard: BuildKit copies nothing and goes on, the legacy builder stops.
   */
  missing: {
    line: number
    keyword: string
    stage: string
    /** The source as written. */
    source: string
    /** absent: nothing in the folder matches; ignored: only what .dockerignore leaves out does. */
    why: 'absent' | 'ignored'
    /** The source is a pattern (`*`, `?`, `[...]`): BuildKit allows it to match nothing. */
    wildcard: boolean
  }[]
  /** The biggest sent files of at least unusedMinBytes that no COPY, ADD or RUN --mount bind uses. */
  unused: { path: string; bytes: number }[]
  /** Every such file, listed or not. */
  unusedTotal: { bytes: number; files: number }
  unusedMinBytes: number
  /** A COPY/ADD of the whole context (`COPY . .`): every sent file is used, so none is "unused". */
  usesWholeContext: boolean
}

export interface Advice {
  id: string
  title: string
  /** What to do, in one or two sentences. */
  fix: string
  /** Lines it is about. */
  lines: number[]
  /** Bytes it costs in the built image, when measured; estimated otherwise. */
  bytes?: number
  bytesKind?: 'measured' | 'estimated'
  /** Where the byte figure comes from, in words ("history size of line 12", "typical node:20 vs node:20-slim"). */
  basis?: string
  severity: 'high' | 'medium' | 'low'
}

export interface DockerfileAnalysis {
  path: string
  contextDir: string
  text: string
  problems: SyntaxProblem[]
  /** Parser directives (syntax, escape, check) found at the top. */
  directives?: Record<string, string>
  /** Global ARGs (before the first FROM) with the value they resolved to. */
  args?: { name: string; value?: string; line: number }[]
  graph: StageGraph
  context: BuildContextReport
  advice: Advice[]
}

/** Layer <-> Dockerfile line, for an image built from this Dockerfile. */
export interface LayerLineLink {
  layerIndex?: number
  historyIndex: number
  stage: string
  line?: number
  confidence: 'exact' | 'likely' | 'none'
  /** The history entry, for display. */
  createdBy?: string
  /** History Size of the entry (bytes the layer adds; 0 for metadata steps). */
  size?: number
  emptyLayer?: boolean
}

/** Text metrics of a stage box, shared by the layout (backend) and every drawing of it. */
export const STAGE_BOX = {
  charWidth: 7.3,
  titleCharWidth: 8.6,
  lineHeight: 16,
  padX: 12,
  headerHeight: 44,
  footerHeight: 24,
  maxLines: 6,
  maxChars: 44,
  minWidth: 170,
  /** Room for the size row ("2.49 MB · 5 layers · passes 512 kB"). */
  footerMinWidth: 262
} as const

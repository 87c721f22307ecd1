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
  /** Bytes this stage hands to later stages through COPY --from (measured). */
  passesBytes?: number
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
  severity: 'high' | 'medium' | 'low'
}

export interface DockerfileAnalysis {
  path: string
  contextDir: string
  text: string
  problems: SyntaxProblem[]
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
}

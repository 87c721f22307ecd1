// Dockerfile habits tied to the lines that have them and to the bytes they cost. Bytes are
// measured when the stages were built (history size of the line) or read from the context on
// disk; otherwise they are estimates from typical image sizes, and `basis` says which.
import type { Advice, BuildContextReport, StageGraph } from '../../../shared/models/dockerfile'
import { formatBytes } from '../../../shared/format'
import type { ContextScan } from './build-context'
import { copySourcesAndDest, fromFlag, stageLabel, type ParsedDockerfile, type ParsedInstruction, type ParsedStage } from './parser'
import { fromChain, resolveStageRef, stageId, targetStage } from './stage-graph'

const MB = 1_000_000

/** Typical linux/amd64 uncompressed sizes (Docker Hub, 2024-2025), for estimates only. */
const HEAVY_BASES: Record<string, { size: number; lighter: string; lighterSize: number }> = {
  node: { size: 1_100 * MB, lighter: 'node:<version>-slim', lighterSize: 220 * MB },
  python: { size: 1_000 * MB, lighter: 'python:<version>-slim', lighterSize: 150 * MB },
  ruby: { size: 1_000 * MB, lighter: 'ruby:<version>-slim', lighterSize: 220 * MB },
  golang: { size: 850 * MB, lighter: 'scratch or gcr.io/distroless/static for the binary', lighterSize: 2 * MB },
  rust: { size: 1_500 * MB, lighter: 'debian:<version>-slim or distroless for the binary', lighterSize: 80 * MB },
  gcc: { size: 1_400 * MB, lighter: 'debian:<version>-slim for the binary', lighterSize: 80 * MB },
  openjdk: { size: 470 * MB, lighter: 'eclipse-temurin:<version>-jre', lighterSize: 270 * MB },
  maven: { size: 520 * MB, lighter: 'eclipse-temurin:<version>-jre', lighterSize: 270 * MB },
  gradle: { size: 750 * MB, lighter: 'eclipse-temurin:<version>-jre', lighterSize: 270 * MB },
  'buildpack-deps': { size: 800 * MB, lighter: 'debian:<version>-slim', lighterSize: 80 * MB },
  php: { size: 500 * MB, lighter: 'php:<version>-alpine', lighterSize: 100 * MB },
  ubuntu: { size: 78 * MB, lighter: 'a distroless or alpine base', lighterSize: 8 * MB },
  debian: { size: 117 * MB, lighter: 'debian:<version>-slim', lighterSize: 75 * MB }
}
const FULL_OS_FOR_BINARY: Record<string, number> = { debian: 117 * MB, ubuntu: 78 * MB, centos: 230 * MB, fedora: 180 * MB, node: 1_100 * MB, python: 1_000 * MB, golang: 850 * MB }
const BUILD_TOOLS = /\b(build-essential|gcc|g\+\+|clang|make|cmake|build-base|python3?-dev|libc6?-dev|musl-dev|autoconf|automake|pkg-config)\b/
const NPM_INSTALL = /\bnpm\s+(install|i)\b(?!\s+[^-\s&;|])/
const NPM_DEPS = /\b(npm\s+(install|i|ci)|yarn(\s+install)?(\s|$)|pnpm\s+(install|i))\b/
const OMIT_DEV = /(--omit[= ]dev|--production|--only[= ]prod|--prod\b|NODE_ENV=production)/

export interface AdviceInput {
  parsed: ParsedDockerfile
  graph: StageGraph
  context: ContextScan
  target?: string
  /** Per-line layer bytes from a stage build, when the user built the stages. */
  lineBytes?: Map<number, number>
}

function repoAndTag(ref: string): { repo: string; tag?: string; digest?: string } {
  const [nameTag, digest] = ref.split('@') as [string, string | undefined]
  const slash = nameTag.lastIndexOf('/')
  const colon = nameTag.lastIndexOf(':')
  const hasTag = colon > slash
  const full = hasTag ? nameTag.slice(0, colon) : nameTag
  const repo = full.replace(/^(docker\.io\/)?(library\/)?/, '')
  return { repo, tag: hasTag ? nameTag.slice(colon + 1) : undefined, digest }
}

const isLight = (tag = ''): boolean => /(slim|alpine|distroless|minimal|busybox|static|jre)/.test(tag)

function runText(ins: ParsedInstruction): string {
  return ins.heredocs.length > 0 ? ins.heredocs.map((h) => h.content).join('\n') : ins.text
}

export function buildAdvice(input: AdviceInput): Advice[] {
  const { parsed, graph, context } = input
  const out: Advice[] = []
  const t = targetStage(parsed, input.target)
  if (!t) return out
  const finalChain = fromChain(parsed, t)
  const finalIns = finalChain.flatMap((s) => s.instructions.map((ins) => ({ ins, stage: s })))
  const used = new Set(graph.nodes.filter((n) => !n.unused).map((n) => n.id))
  const usedStages = parsed.stages.filter((s) => used.has(stageId(s.index)))
  const measured = (line: number): number | undefined => input.lineBytes?.get(line)
  const isStageRef = (s: ParsedStage): boolean => resolveStageRef(parsed.stages, s.base, s.index) !== undefined
  const root = finalChain[0]!
  const finalBase = repoAndTag(root.base)

  // 1. Unpinned or :latest base images.
  for (const s of usedStages) {
    if (s.base === 'scratch' || s.base === '' || isStageRef(s)) continue
    const { repo, tag, digest } = repoAndTag(s.base)
    if (digest) continue
    if (!tag || tag === 'latest') {
      out.push({
        id: 'base-unpinned',
        title: `Base image ${s.base} is ${tag ? 'the moving "latest" tag' : 'not pinned to a tag'}`,
        fix: `Pin a version (e.g. ${repo}:<version>), ideally with its digest, so rebuilds do not silently pull a different, possibly larger base.`,
        lines: [s.from.range.startLine],
        severity: 'medium'
      })
    }
  }

  // 2. Root user in the final image.
  const users = finalIns.filter((x) => x.ins.keyword === 'USER')
  const lastUser = users[users.length - 1]
  const userName = lastUser?.ins.args[0]?.split(':')[0]
  if (!lastUser || userName === 'root' || userName === '0') {
    out.push({
      id: 'root-user',
      title: 'The final image runs as root',
      fix: 'Add a USER instruction with an unprivileged user (e.g. USER node, or USER 10001) after installing what needs root.',
      lines: [lastUser ? lastUser.ins.range.startLine : t.from.range.startLine],
      severity: 'medium'
    })
  }

  // 3. npm install where npm ci fits (a lockfile is in the context).
  const hasLock = context.sent.some((e) => /(^|\/)(package-lock|npm-shrinkwrap)\.json$/.test(e.rel))
  for (const s of usedStages) {
    for (const ins of s.instructions) {
      if (ins.keyword === 'RUN' && NPM_INSTALL.test(runText(ins)) && hasLock) {
        out.push({
          id: 'npm-ci',
          title: '`npm install` where `npm ci` fits',
          fix: 'Use `npm ci` (add --omit=dev in the runtime stage): it installs exactly the lockfile, fails on drift, and never rewrites package-lock.json.',
          lines: [ins.range.startLine],
          severity: 'low'
        })
      }
    }
  }

  // 4. devDependencies or build tools in the final image.
  let nodeEnvProd = false
  for (const { ins, stage } of finalIns) {
    if (ins.keyword === 'ENV' && /NODE_ENV[= ]"?production/.test(ins.text)) nodeEnvProd = true
    if (ins.keyword === 'RUN') {
      const text = runText(ins)
      if (NPM_DEPS.test(text) && !OMIT_DEV.test(text) && !nodeEnvProd) {
        const b = measured(ins.range.startLine)
        out.push({
          id: 'dev-dependencies',
          title: `devDependencies installed in the final image (stage ${stageLabel(stage)})`,
          fix: 'Install with `npm ci --omit=dev` in the runtime stage, or build in a separate stage and COPY --from only the production node_modules.',
          lines: [ins.range.startLine],
          bytes: b,
          bytesKind: b !== undefined ? 'measured' : undefined,
          basis: b !== undefined ? `history size of line ${ins.range.startLine}: all of node_modules, devDependencies are part of it` : 'Build the stages to measure the layer it adds.',
          severity: 'high'
        })
      }
      const tools = BUILD_TOOLS.exec(text)
      if (tools && /(apt-get|apt|apk|yum|dnf|microdnf)\s+(-\S+\s+)*(install|add)\b/.test(text)) {
        const b = measured(ins.range.startLine)
        out.push({
          id: 'build-tools',
          title: `Build tools (${tools[1]}) installed in the final image`,
          fix: 'Compile in a build stage and COPY --from only the results into a runtime stage without compilers.',
          lines: [ins.range.startLine],
          bytes: b ?? 150 * MB,
          bytesKind: b !== undefined ? 'measured' : 'estimated',
          basis: b !== undefined ? `history size of line ${ins.range.startLine}` : 'typical size of a C toolchain (gcc, make, headers) on Debian',
          severity: 'high'
        })
      }
    }
  }
  // COPY --from of node_modules out of a stage that installed devDependencies.
  for (const { ins, stage } of finalIns) {
    if (ins.keyword !== 'COPY') continue
    const from = fromFlag(ins, stage)
    const src = from ? resolveStageRef(parsed.stages, from, stage.index) : undefined
    if (!src || !copySourcesAndDest(ins).sources.some((p) => p.includes('node_modules'))) continue
    const installer = fromChain(parsed, src)
      .flatMap((s) => s.instructions)
      .find((i) => i.keyword === 'RUN' && NPM_DEPS.test(runText(i)) && !OMIT_DEV.test(runText(i)))
    if (installer) {
      const b = measured(ins.range.startLine)
      out.push({
        id: 'dev-dependencies',
        title: `node_modules copied from stage ${stageLabel(src)} include devDependencies`,
        fix: `Run \`npm ci --omit=dev\` (or \`npm prune --omit=dev\`) in stage ${stageLabel(src)} before this COPY, or install production dependencies in a stage of their own.`,
        lines: [ins.range.startLine, installer.range.startLine],
        bytes: b,
        bytesKind: b !== undefined ? 'measured' : undefined,
        basis: b !== undefined ? `history size of line ${ins.range.startLine}: the whole node_modules copied` : 'Build the stages to measure what this COPY adds.',
        severity: 'high'
      })
    }
  }

  // 5. Package-manager caches and apt lists left in a layer (DL3009, DL3019, DL3042, DL3015).
  for (const { ins } of finalIns) {
    if (ins.keyword !== 'RUN') continue
    const text = runText(ins)
    const cacheMount = ins.flags.some((f) => f.name === 'mount' && (f.options.type === 'cache' || f.options.type === 'tmpfs'))
    if (/apt-get\s+(-\S+\s+)*install\b/.test(text) && !/rm\s+-[a-z]*r[a-z]*f?[a-z]*\s+\S*\/var\/lib\/apt\/lists/.test(text) && !cacheMount) {
      out.push({
        id: 'apt-lists',
        title: 'apt lists left in the layer',
        fix: 'End the same RUN with `&& rm -rf /var/lib/apt/lists/*` (deleting them in a later RUN saves nothing).',
        lines: [ins.range.startLine],
        bytes: 20 * MB,
        bytesKind: 'estimated',
        basis: 'typical /var/lib/apt/lists of Debian bookworm after apt-get update',
        severity: 'medium'
      })
    }
    if (/apt-get\s+(-\S+\s+)*install\b/.test(text) && !/--no-install-recommends/.test(text)) {
      out.push({
        id: 'apt-recommends',
        title: 'apt-get install pulls in recommended packages',
        fix: 'Add --no-install-recommends to apt-get install; add back only what you need.',
        lines: [ins.range.startLine],
        severity: 'low'
      })
    }
    if (/apk\s+(-\S+\s+)*add\b/.test(text) && !/--no-cache/.test(text) && !/rm\s+-\S*\s+\/var\/cache\/apk/.test(text) && !cacheMount) {
      out.push({
        id: 'apk-cache',
        title: 'apk cache left in the layer',
        fix: 'Use `apk add --no-cache ...`.',
        lines: [ins.range.startLine],
        bytes: 2 * MB,
        bytesKind: 'estimated',
        basis: 'typical Alpine APKINDEX cache',
        severity: 'low'
      })
    }
    if (/\bpip3?\s+install\b/.test(text) && !/--no-cache-dir/.test(text) && !cacheMount) {
      out.push({
        id: 'pip-cache',
        title: 'pip cache left in the layer',
        fix: 'Use `pip install --no-cache-dir ...` or a cache mount (RUN --mount=type=cache,target=/root/.cache/pip).',
        lines: [ins.range.startLine],
        severity: 'medium'
      })
    }
    if (NPM_DEPS.test(text) && !/npm\s+cache\s+clean/.test(text) && !/yarn\s+cache\s+clean/.test(text) && !cacheMount) {
      out.push({
        id: 'npm-cache',
        title: 'npm/yarn cache left in the layer',
        fix: 'Add `&& npm cache clean --force` to the same RUN, or use a cache mount (RUN --mount=type=cache,target=/root/.npm).',
        lines: [ins.range.startLine],
        severity: 'low'
      })
    }
  }

  // 6. COPY . bringing in .git, tests, docs.
  const CLUTTER = /(^|\/)(\.git|tests?|__tests__|spec|docs?|coverage|\.github|examples?)(\/|$)|\.md$/i
  const inFinal = new Set(finalChain.map((x) => x.index))
  for (const stage of usedStages) {
    for (const ins of stage.instructions) {
      if ((ins.keyword !== 'COPY' && ins.keyword !== 'ADD') || fromFlag(ins, stage)) continue
      const { sources } = copySourcesAndDest(ins)
      if (!sources.some((s) => s === '.' || s === './' || s === '*')) continue
      const clutter = context.sent.filter((e) => e.type === 'file' && CLUTTER.test(e.rel))
      if (clutter.length === 0) continue
      const bytes = clutter.reduce((s, e) => s + e.size, 0)
      const tops = [...new Set(clutter.map((e) => (e.rel.includes('/') ? e.rel.split('/')[0] + '/' : e.rel)))].slice(0, 5)
      const ships = inFinal.has(stage.index)
      out.push({
        id: 'copy-everything',
        title: `COPY . brings ${tops.join(', ')} into ${ships ? 'the image' : `stage ${stageLabel(stage)}`}`,
        fix: ships
          ? 'List those paths in .dockerignore, or COPY only what the app needs (e.g. COPY src/ package*.json ./).'
          : 'They do not reach the final image, but any change to them (every commit, for .git) re-runs this stage: list them in .dockerignore.',
        lines: [ins.range.startLine],
        bytes: ships ? bytes : undefined,
        bytesKind: ships ? 'measured' : undefined,
        basis: ships
          ? `bytes of ${clutter.length} such files in the build context (COPY copies them as they are)`
          : `${formatBytes(bytes)} in ${clutter.length} files, copied into a build stage only`,
        severity: ships ? (bytes > 10 * MB ? 'high' : 'medium') : 'low'
      })
    }
  }

  // 7. Heavy runtime base.
  const heavy = HEAVY_BASES[finalBase.repo.split('/').pop()!]
  if (heavy && root.base !== 'scratch' && !isLight(finalBase.tag) && !isStageRef(root)) {
    out.push({
      id: 'heavy-base',
      title: `Heavy runtime base ${root.base}`,
      fix: `Run on ${heavy.lighter}; keep the full image for the build stage only.`,
      lines: [root.from.range.startLine],
      bytes: heavy.size - heavy.lighterSize,
      bytesKind: 'estimated',
      basis: `typical linux/amd64 size of ${finalBase.repo} (${formatBytes(heavy.size)}) vs ${heavy.lighter} (${formatBytes(heavy.lighterSize)})`,
      severity: 'high'
    })
  }

  // 8. No .dockerignore.
  if (!context.report.hasDockerignore) {
    const saved = context.report.all.bytes - (context.report.suggestedSent?.bytes ?? context.report.all.bytes)
    out.push({
      id: 'no-dockerignore',
      title: 'No .dockerignore: the whole folder is sent to the engine',
      fix: 'Add the suggested .dockerignore (see Build context) so .git, node_modules, secrets and logs stay out of the build and out of COPY . layers.',
      lines: [],
      bytes: saved > 0 ? saved : undefined,
      bytesKind: saved > 0 ? 'measured' : undefined,
      basis: saved > 0 ? 'context bytes on disk the suggested .dockerignore leaves out' : undefined,
      severity: saved > 10 * MB ? 'high' : 'medium'
    })
  }

  // 9. A static binary shipped on a full OS.
  const builds = usedStages.filter((s) =>
    s.instructions.some((i) => i.keyword === 'RUN' && /(\bgo\s+build\b|\bcargo\s+build\b|CGO_ENABLED=0|-extldflags\s+["']?-static)/.test(runText(i)))
  )
  const fullOs = FULL_OS_FOR_BINARY[finalBase.repo.split('/').pop()!]
  if (builds.length > 0 && fullOs && !isLight(finalBase.tag) && !isStageRef(root)) {
    const copies = t.instructions.filter((i) => {
      const from = i.keyword === 'COPY' ? fromFlag(i, t) : undefined
      const src = from ? resolveStageRef(parsed.stages, from, t.index) : undefined
      return src !== undefined && builds.includes(src)
    })
    if (copies.length > 0) {
      const node = graph.nodes.find((n) => n.id === stageId(t.index))
      const added = t.instructions.reduce((s, i) => s + (measured(i.range.startLine) ?? 0), 0)
      const base = node?.measured ? node.measured.size - added : undefined
      out.push({
        id: 'static-binary-full-os',
        title: `Compiled binary shipped on ${root.base}`,
        fix: 'A static binary (CGO_ENABLED=0) runs on `FROM scratch` or gcr.io/distroless/static; copy CA certificates if it makes TLS calls.',
        lines: [root.from.range.startLine, ...copies.map((c) => c.range.startLine)],
        bytes: base ?? fullOs,
        bytesKind: base !== undefined ? 'measured' : 'estimated',
        basis: base !== undefined ? 'final image size minus the layers of this stage = the base it runs on' : `typical linux/amd64 size of ${finalBase.repo}`,
        severity: 'high'
      })
    }
  }

  // 10. Consecutive RUNs (DL3059).
  for (const s of usedStages) {
    let run: ParsedInstruction[] = []
    const flush = (): void => {
      if (run.length >= 2) {
        out.push({
          id: 'consecutive-run',
          title: `${run.length} consecutive RUN instructions in stage ${stageLabel(s)}`,
          fix: 'Join them with && into one RUN: fewer layers, and files a later step deletes never get stored.',
          lines: run.map((r) => r.range.startLine),
          severity: 'low'
        })
      }
      run = []
    }
    for (const ins of s.instructions) {
      if (ins.keyword === 'RUN' && !ins.flags.some((f) => f.name === 'mount')) run.push(ins)
      else flush()
    }
    flush()
  }

  const sev = { high: 0, medium: 1, low: 2 }
  return out.sort((a, b) => (b.bytes ?? -1) - (a.bytes ?? -1) || sev[a.severity] - sev[b.severity] || (a.lines[0] ?? 0) - (b.lines[0] ?? 0))
}

export type { BuildContextReport }

// Hand-made models for the report's pure unit tests and the golden image (fixed numbers, no engine).
import type { ImageAnalysis, LayerSummary, WastePath } from '../../../../shared/models/analysis'
import type { Comparison } from '../../../../shared/models/compare'
import type { DockerfileAnalysis } from '../../../../shared/models/dockerfile'
import { comparedSide } from '../../compare/compare-service'

function layer(index: number, contentBytes: number, createdBy: string, isBase: boolean): LayerSummary {
  return {
    index,
    diffId: `sha256:${String(index).padStart(2, '0')}${'ab'.repeat(31)}`,
    contentBytes,
    files: 10 + index,
    entries: 12 + index,
    added: 10,
    changed: 0,
    deleted: 0,
    addedBytes: contentBytes,
    changedBytes: 0,
    deletedBytes: 0,
    createdBy,
    createdByRaw: createdBy,
    historyIndex: index,
    isBase
  }
}

export const HOSTILE = '<script>alert("x")</script>&\u0001\'evil'

export function singleAnalysis(): ImageAnalysis {
  const layers = [
    layer(0, 74_812_345, 'ADD file:4f1d8c… in /', true),
    layer(1, 312_000, 'RUN mkdir -p /app && chown app /app', false),
    layer(2, 48_500_000, 'RUN apt-get update && apt-get install -y build-essential python3 git curl ca-certificates', false),
    layer(3, 213_456_789, 'COPY . /app # buildkit', false),
    layer(4, 2_100_000, 'RUN rm -rf /app/node_modules/.cache', false)
  ]
  const paths: WastePath[] = [
    { path: '/app/node_modules/.cache/babel-loader/1f2e3d4c5b6a.json.gz', bytes: 2_048_000, reason: 'deleted', layerIndex: 3, byLayerIndex: 4 },
    { path: '/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4', bytes: 9_100_000, reason: 'deleted', layerIndex: 2, byLayerIndex: 4 },
    { path: `/app/${HOSTILE}.txt`, bytes: 1_000, reason: 'overwritten', layerIndex: 3, byLayerIndex: 4 },
    { path: '/app/bin/server', bytes: 400_000, reason: 'metadata-only', layerIndex: 3, byLayerIndex: 4 }
  ]
  const layerBytes = layers.reduce((s, l) => s + l.contentBytes, 0)
  const wasted = paths.reduce((s, p) => s + p.bytes, 0)
  return {
    key: 'img-single',
    source: { kind: 'engine', ref: 'acme/web:single' },
    format: 'docker-archive',
    image: {
      id: 'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      repoTags: ['acme/web:single'],
      size: 339_181_134,
      sizeKind: 'engine',
      created: '2026-11-20T10:00:00Z',
      os: 'linux',
      arch: 'amd64'
    },
    layers,
    history: [],
    layerBytes,
    final: { bytes: layerBytes - wasted, files: 18_234, entries: 20_000 },
    waste: {
      bytes: wasted,
      efficiency: (layerBytes - wasted) / layerBytes,
      dive: { score: 0.9581, wastedBytes: 14_000_000, userWastedPercent: 0.052 },
      paths,
      pathCount: 1_312
    },
    base: { ref: 'debian:bookworm-slim', layers: 1 },
    cachedLayers: 0,
    elapsedMs: 1200
  }
}

export function multiAnalysis(): ImageAnalysis {
  const a = singleAnalysis()
  const layers = [a.layers[0]!, layer(1, 35_600_000, 'COPY --from=build /app/dist /app # buildkit', false)]
  const layerBytes = layers.reduce((s, l) => s + l.contentBytes, 0)
  return {
    ...a,
    key: 'img-multi',
    source: { kind: 'engine', ref: 'acme/web:multi' },
    image: { ...a.image, id: 'sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae', repoTags: ['acme/web:multi'], size: 110_412_345 },
    layers,
    layerBytes,
    final: { bytes: layerBytes, files: 4_001, entries: 4_500 },
    waste: { bytes: 0, efficiency: 1, dive: { score: 1, wastedBytes: 0, userWastedPercent: 0 }, paths: [], pathCount: 0 }
  }
}

export function comparison(): Comparison {
  const a = singleAnalysis()
  const b = multiAnalysis()
  const side = comparedSide
  return {
    a: side(a),
    b: side(b),
    sharedLayers: [{ diffId: a.layers[0]!.diffId, contentBytes: a.layers[0]!.contentBytes, createdBy: a.layers[0]!.createdBy, indexA: 0, indexB: 0 }],
    onlyA: a.layers.slice(1).map((l) => ({ diffId: l.diffId, contentBytes: l.contentBytes, createdBy: l.createdBy, indexA: l.index })),
    onlyB: b.layers.slice(1).map((l) => ({ diffId: l.diffId, contentBytes: l.contentBytes, createdBy: l.createdBy, indexB: l.index })),
    delta: {
      bytes: b.image.size - a.image.size,
      ratio: a.image.size / b.image.size,
      files: b.final.files - a.final.files,
      layers: b.layers.length - a.layers.length,
      wastedBytes: b.waste.bytes - a.waste.bytes,
      efficiency: b.waste.efficiency - a.waste.efficiency
    },
    files: { added: { count: 12, bytes: 35_000_000 }, removed: { count: 14_245, bytes: 262_000_000 }, changed: { count: 3, bytes: 12_000 } },
    contributors: [
      { path: '/app/node_modules', bytesA: 180_000_000, bytesB: 0, delta: -180_000_000, status: 'onlyA', hasChildren: true },
      { path: '/usr/lib/gcc/x86_64-linux-gnu/12', bytesA: 41_000_000, bytesB: 0, delta: -41_000_000, status: 'onlyA', hasChildren: true },
      { path: '/app/dist', bytesA: 0, bytesB: 35_000_000, delta: 35_000_000, status: 'onlyB', hasChildren: true },
      { path: `/app/${HOSTILE}`, bytesA: 2_000, bytesB: 1_000, delta: -1_000, status: 'changed', hasChildren: false }
    ],
    sentence: 'acme/web:multi is 3.1x smaller: -229 MB; the biggest parts: /app/node_modules -180 MB, /usr/lib/gcc -41 MB, /app/dist +35 MB.',
    notes: []
  }
}

export function dockerfileAnalysis(): DockerfileAnalysis {
  return {
    path: 'Dockerfile',
    contextDir: '.',
    text: '',
    problems: [],
    graph: {
      target: 'runtime',
      nodes: [
        { id: 'img:node', kind: 'image', name: 'node:20', instructions: [], isTarget: false, unused: false },
        { id: 'img:slim', kind: 'image', name: 'debian:bookworm-slim', instructions: [], isTarget: false, unused: false },
        { id: 'build', kind: 'stage', name: 'build', index: 0, instructions: [], isTarget: false, unused: false, measured: { imageId: 'x', size: 1_200_000_000, layers: 9 } },
        { id: 'test', kind: 'stage', name: 'test', index: 1, instructions: [], isTarget: false, unused: true },
        { id: 'runtime', kind: 'stage', name: 'runtime', index: 2, instructions: [], isTarget: true, unused: false, measured: { imageId: 'y', size: 110_412_345, layers: 2 } }
      ],
      edges: [
        { from: 'img:node', to: 'build', kind: 'from', line: 1 },
        { from: 'build', to: 'test', kind: 'from', line: 8 },
        { from: 'img:slim', to: 'runtime', kind: 'from', line: 11 },
        { from: 'build', to: 'runtime', kind: 'copy', line: 12, paths: ['/app/dist'], bytes: 35_600_000 }
      ]
    },
    context: {
      dir: '.',
      all: { bytes: 0, files: 0 },
      sent: { bytes: 0, files: 0 },
      hasDockerignore: true,
      largest: [],
      secrets: [],
      suggestedDockerignore: ''
    },
    advice: [
      { id: 'apt-lists', title: 'apt lists left in a layer', fix: 'Add `rm -rf /var/lib/apt/lists/*` to the same RUN as apt-get install.', lines: [4], bytes: 9_100_000, bytesKind: 'measured', severity: 'medium' },
      { id: 'root-user', title: 'Runs as root', fix: 'Add a USER line with an unprivileged user.', lines: [], severity: 'low' },
      { id: 'npm-install', title: 'npm install instead of npm ci', fix: 'Use `npm ci --omit=dev` for reproducible installs without devDependencies.', lines: [6], bytes: 60_000_000, bytesKind: 'estimated', severity: 'high' }
    ]
  }
}

/** A comparison of two registry images: download sizes on both sides and in the delta. */
export function registryPair(): { a: ImageAnalysis; b: ImageAnalysis; comparison: Comparison } {
  const a = singleAnalysis()
  const b = multiAnalysis()
  a.image.downloadSize = 120_345_678
  b.image.downloadSize = 41_000_123
  const c = comparison()
  c.delta.downloadBytes = 41_000_123 - 120_345_678
  return { a, b, comparison: c }
}

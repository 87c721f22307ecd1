import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openDockerfile } from './dockerfile-analysis'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})
function project(dockerfile: string, files: Record<string, string | number> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'layerscope-advice-'))
  dirs.push(root)
  for (const [rel, c] of Object.entries({ Dockerfile: dockerfile, ...files })) {
    mkdirSync(dirname(join(root, rel)), { recursive: true })
    writeFileSync(join(root, rel), typeof c === 'number' ? Buffer.alloc(c) : c)
  }
  return root
}
const fixture = (name: string): string => readFileSync(join(__dirname, 'testdata', name), 'utf8')

describe('advice', () => {
  it('three-stage Node: ranks by bytes, ties each to lines, labels estimates', async () => {
    const root = project(fixture('node-three-stage.Dockerfile'), {
      'package.json': '{}',
      'package-lock.json': '{}',
      'src/index.js': 100,
      '.git/objects/p': 30_000,
      'test/a.test.js': 4_000,
      'docs/guide.md': 2_000,
      'node_modules/x/i.js': 50_000
    })
    const { analysis } = await openDockerfile({ path: root })
    const ids = analysis.advice.map((a) => a.id)
    // heavy base (estimated ~880 MB) first, then what the context measures, then unsized ones.
    expect(ids.slice(0, 2)).toEqual(['heavy-base', 'no-dockerignore'])
    const heavy = analysis.advice[0]!
    expect(heavy).toMatchObject({ lines: [11], bytesKind: 'estimated', severity: 'high' })
    expect(heavy.basis).toContain('node')
    const noIgnore = analysis.advice[1]!
    expect(noIgnore.bytes).toBe(30_000 + 50_000)
    expect(noIgnore.bytesKind).toBe('measured')
    // COPY . . is in stage build, not in the final chain: no image bytes, but said.
    const copyAll = analysis.advice.find((a) => a.id === 'copy-everything')!
    expect(copyAll).toMatchObject({ lines: [8], bytes: undefined, severity: 'low' })
    expect(copyAll.title).toBe('COPY . brings .git/, docs/, test/ into stage build')
    expect(copyAll.basis).toBe('36 kB in 3 files, copied into a build stage only')
    expect(ids).toContain('root-user')
    expect(analysis.advice.find((a) => a.id === 'npm-ci')!.lines).toEqual([5])
    const dev = analysis.advice.find((a) => a.id === 'dev-dependencies')!
    expect(dev.lines).toEqual([13, 5])
    expect(dev.bytes).toBeUndefined()
    // everything with bytes comes before everything without
    const firstUnsized = analysis.advice.findIndex((a) => a.bytes === undefined)
    expect(analysis.advice.slice(firstUnsized).every((a) => a.bytes === undefined)).toBe(true)
  })

  it('uses measured line bytes when the stages were built', async () => {
    const root = project(fixture('two-stage.Dockerfile'), { '.dockerignore': '.git\n', 'main.go': 10 })
    const first = await openDockerfile({ path: join(root, 'Dockerfile') })
    const graph = structuredClone(first.analysis.graph)
    graph.nodes.find((n) => n.id === 'stage:1')!.measured = { imageId: 'sha256:x', size: 130_000_000, layers: 3 }
    const { analysis } = await openDockerfile({ path: root, measurement: { graph, lineBytes: new Map([[7, 9_000_000]]) } })
    const bin = analysis.advice.find((a) => a.id === 'static-binary-full-os')!
    expect(bin).toMatchObject({ bytes: 121_000_000, bytesKind: 'measured', lines: [6, 7] })
    expect(analysis.graph.nodes.find((n) => n.id === 'stage:1')!.instructions.find((i) => i.range.startLine === 7)!.measuredBytes).toBe(9_000_000)
    expect(analysis.advice.map((a) => a.id)).not.toContain('no-dockerignore')
  })

  it('flags apt lists, recommends, build tools, consecutive RUNs and latest', async () => {
    const root = project(
      'FROM ubuntu\nRUN apt-get update && apt-get install -y build-essential\nRUN echo a\nRUN echo b\nUSER app\nCOPY . /app\n',
      { '.dockerignore': '', 'tests/t.js': 3 }
    )
    const { analysis } = await openDockerfile({ path: root })
    const by = (id: string) => analysis.advice.filter((a) => a.id === id).map((a) => a.lines)
    expect(by('base-unpinned')).toEqual([[1]])
    expect(by('apt-lists')).toEqual([[2]])
    expect(by('apt-recommends')).toEqual([[2]])
    expect(by('build-tools')).toEqual([[2]])
    expect(by('consecutive-run')).toEqual([[2, 3, 4]])
    expect(by('root-user')).toEqual([])
    expect(analysis.advice.find((a) => a.id === 'copy-everything')).toMatchObject({ lines: [6], bytes: 3, bytesKind: 'measured' })
  })
})

// `layerscope graph` as a user runs it: the built CLI as a child process on the fixture
// Dockerfiles (no build, so no engine work). Needs a build (npx electron-vite build).
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { THEMES } from '../../../shared/theme'
import { decodePng } from '../../core/report/testdata/png'
import { svgTexts } from '../../core/report/testdata/svg-texts'

const ROOT = resolve(__dirname, '../../../..')
const CLI = join(ROOT, process.env.LAYERSCOPE_OUT ?? 'out', 'main', 'cli.js')
const TESTDATA = join(ROOT, 'src/main/core/dockerfile/testdata')
let dir: string

function cli(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, '--cache-dir', join(dir, '.cache'), ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 })
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npx electron-vite build), or set LAYERSCOPE_OUT.`)
  dir = mkdtempSync(join(tmpdir(), 'layerscope-graph-int-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const hex = (c: string): number[] => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16))

describe('layerscope graph', () => {
  it('writes the stage graph as SVG with the app drawing: styles, target, unused stage, legend', () => {
    const r = cli(['graph', join(TESTDATA, 'node-like'), '-o', 'g.svg'])
    expect(r.code, r.stderr).toBe(0)
    const svg = readFileSync(join(dir, 'g.svg'), 'utf8')
    const texts = svgTexts(svg)
    expect(texts).toEqual(expect.arrayContaining(['deps', 'build', 'lint', 'stage 3', 'TARGET', 'target · not built yet', 'unused: cannot reach the target', '/app/node_modules', '/app/dist']))
    expect(texts).toEqual(expect.arrayContaining(['FROM', 'COPY --from', 'RUN --mount', 'external image / scratch']))
    expect(svg.match(/<path d="M[^"]*"[^>]*stroke-dasharray="7 5" marker-end="url\(#arrow-copy\)"/g)).toHaveLength(2)
    expect(svg).toContain(`fill="${THEMES.light.panel}"`)
  })

  it('draws it in the dark theme as PNG at twice the drawing, and refuses an unknown theme by name', () => {
    const r = cli(['graph', join(TESTDATA, 'run-mount.Dockerfile'), '--theme', 'dark', '-o', 'g.png'])
    expect(r.code, r.stderr).toBe(0)
    const png = decodePng(readFileSync(join(dir, 'g.png')))
    const svg = cli(['graph', join(TESTDATA, 'run-mount.Dockerfile'), '--theme', 'dark', '-o', 'g.svg'])
    expect(svg.code).toBe(0)
    const natural = Number(/width="(\d+)"/.exec(readFileSync(join(dir, 'g.svg'), 'utf8'))![1])
    expect(png.width).toBe(natural * 2)
    expect([...png.rgba.subarray(0, 3)]).toEqual(hex(THEMES.dark.panel))
    const bad = cli(['graph', join(TESTDATA, 'run-mount.Dockerfile'), '--theme', 'blue', '-o', 'x.png'])
    expect(bad.code).not.toBe(0)
    expect(bad.stderr).toContain('--theme must be light or dark, not "blue".')
    expect(existsSync(join(dir, 'x.png'))).toBe(false)
  })
})

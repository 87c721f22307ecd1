// `layerscope report` and `layerscope ci` as a user runs them: the built CLI as a child process,
// on images this test builds on the real engine. Needs a build (scripts/test.sh builds before
// the integration stage; locally: npx electron-vite build --outDir $PWD/out-report and
// LAYERSCOPE_OUT=out-report).
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatDockerSize, groupDigits } from '../../../shared/format'
import { BASE_IMAGE, buildImage, docker, removeTestImages } from '../../../../scripts/fixtures/base-image'
import { decodePng } from '../../core/report/testdata/png'
import { svgTexts } from '../../core/report/testdata/svg-texts'

const ROOT = resolve(__dirname, '../../../..')
const CLI = join(ROOT, process.env.LAYERSCOPE_OUT ?? 'out', 'main', 'cli.js')
const SINGLE = 'layerscope-test/report-single:1'
const MULTI = 'layerscope-test/report-multi:1'
const HOSTILE = '<b>&"x.bin'

let dir: string
let cache: string

function cli(args: string[], cwd = dir): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, '--cache-dir', cache, ...args], { cwd, encoding: 'utf8', timeout: 240_000 })
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }
}

function inspectSize(ref: string): number {
  return Number(docker(['image', 'inspect', '--format', '{{.Size}}', ref]).trim())
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npx electron-vite build), or set LAYERSCOPE_OUT.`)
  dir = mkdtempSync(join(tmpdir(), 'layerscope-report-int-'))
  cache = join(dir, '.cache')
  // 3 MB written then deleted in a later layer (waste, with a hostile name), 2 MB kept.
  buildImage(
    SINGLE,
    [
      `FROM ${BASE_IMAGE}`,
      'RUN mkdir -p /app && dd if=/dev/zero of=/app/keep.bin bs=1000 count=2000',
      `RUN dd if=/dev/zero of='/app/${HOSTILE}' bs=1000 count=3000`,
      'COPY app.txt /app/app.txt',
      `RUN rm '/app/${HOSTILE}'`
    ].join('\n'),
    { 'app.txt': 'hello\n'.repeat(1000) }
  )
  buildImage(MULTI, [`FROM ${BASE_IMAGE}`, 'COPY app.txt /app/app.txt'].join('\n'), { 'app.txt': 'hello\n'.repeat(1000) })
}, 300_000)

afterAll(() => {
  removeTestImages('layerscope-test/report-')
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('layerscope report', () => {
  it('writes a PNG of the asked width, and an SVG whose numbers are the engine figures', () => {
    const png = cli(['report', SINGLE, '-o', 'single.png'])
    expect(png.stderr).toContain('Wrote single.png')
    expect(png.code).toBe(0)
    const decoded = decodePng(readFileSync(join(dir, 'single.png')))
    expect(decoded.width).toBe(1200)
    expect(decoded.height).toBeGreaterThan(600)

    expect(cli(['report', SINGLE, '-o', 'single.svg', '--theme', 'dark', '--width', '1600']).code).toBe(0)
    const svg = readFileSync(join(dir, 'single.svg'), 'utf8')
    const texts = svgTexts(svg)
    const size = inspectSize(SINGLE)
    expect(texts).toContain(formatDockerSize(size)) // as `docker images` prints it
    expect(texts).toContain(`${groupDigits(size)} bytes`)
    expect(svg).toMatch(/^<svg [^>]*width="1600"/)
    // The deleted file is waste, named safely.
    expect(texts.some((t) => t.includes('/app/<b>&"x.bin'))).toBe(true)
    expect(svg).not.toContain('<b>')
    expect(texts).toContain('3 MB')
  })

  it('writes a comparison as Markdown and JSON with both engine sizes', () => {
    expect(cli(['report', SINGLE, MULTI, '-o', 'cmp.md']).code).toBe(0)
    const md = readFileSync(join(dir, 'cmp.md'), 'utf8')
    const a = inspectSize(SINGLE)
    const b = inspectSize(MULTI)
    expect(md).toContain(`| Size (docker images) | ${formatDockerSize(a)} | ${formatDockerSize(b)} |`)
    expect(md).toContain(`| Size, exact bytes | ${groupDigits(a)} | ${groupDigits(b)} | ${groupDigits(b - a)} |`)

    expect(cli(['report', SINGLE, MULTI, '-o', 'out.data', '--format', 'json']).code).toBe(0)
    const j = JSON.parse(readFileSync(join(dir, 'out.data'), 'utf8'))
    expect(j.kind).toBe('compare')
    expect(j.images.map((i: { size: number }) => i.size)).toEqual([a, b])
    expect(j.comparison.deltaBytes).toBe(b - a)
    expect(j.comparison.sharedLayers).toBe(1)
  })

  it('reports on a docker save archive with the same layer figures as the engine image', () => {
    docker(['save', '-o', join(dir, 'single.tar'), SINGLE])
    expect(cli(['report', 'single.tar', '-o', 'archive.json']).code).toBe(0)
    expect(cli(['report', SINGLE, '-o', 'engine.json']).code).toBe(0)
    const arch = JSON.parse(readFileSync(join(dir, 'archive.json'), 'utf8'))
    const eng = JSON.parse(readFileSync(join(dir, 'engine.json'), 'utf8'))
    expect(arch.images[0].sizeKind).toBe('content')
    expect(arch.images[0].size).toBe(arch.images[0].layerBytes)
    expect(eng.images[0].sizeKind).toBe('engine')
    expect(arch.images[0].layerBytes).toBe(eng.images[0].layerBytes)
    expect(arch.layers.map((l: { bytes: number }) => l.bytes)).toEqual(eng.layers.map((l: { bytes: number }) => l.bytes))
    expect(arch.waste[0].bytes).toBe(3_000_000)
  })

  it('adds the stage graph and advice of the Dockerfile given with --dockerfile', () => {
    const text = [
      `FROM ${BASE_IMAGE} AS build`,
      'RUN mkdir -p /out && dd if=/dev/zero of=/out/app.bin bs=1000 count=300',
      `FROM build AS test`,
      'RUN echo ok > /out/test.log',
      `FROM ${BASE_IMAGE}`,
      'COPY --from=build /out/app.bin /app/app.bin'
    ].join('\n')
    buildImage('layerscope-test/report-df:1', text)
    writeFileSync(join(dir, 'Dockerfile'), text)
    const r = cli(['report', 'layerscope-test/report-df:1', '-o', 'df.svg', '--dockerfile', 'Dockerfile'])
    expect(r.stderr).toContain('Wrote df.svg')
    const texts = svgTexts(readFileSync(join(dir, 'df.svg'), 'utf8'))
    expect(texts).toContain('Stage graph')
    expect(texts).toEqual(expect.arrayContaining(['build', 'test', 'stage 2']))
    expect(texts).toContain('Advice')
    const missing = cli(['report', SINGLE, '-o', 'x.svg', '--dockerfile', 'Nope.Dockerfile'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('Dockerfile Nope.Dockerfile does not exist')
  })

  it('exits 2 with a clear message and leaves no file for bad input', () => {
    const before = readdirSync(dir).sort()
    const unknown = cli(['report', SINGLE, '-o', 'report.pdf'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('unknown extension .pdf')
    const badFormat = cli(['report', SINGLE, '-o', 'r.png', '--format', 'gif'])
    expect(badFormat.code).toBe(2)
    expect(badFormat.stderr).toContain('Unknown report format "gif"')
    const unwritable = cli(['report', SINGLE, '-o', join(dir, 'no/such/folder/r.png')])
    expect(unwritable.code).toBe(2)
    expect(unwritable.stderr).toContain('does not exist')
    const missing = cli(['report', 'layerscope-test/report-nope:1', '-o', 'missing.png'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('layerscope-test/report-nope:1')
    const badWidth = cli(['report', SINGLE, '-o', 'w.png', '--width', 'huge'])
    expect(badWidth.code).toBe(2)
    expect(badWidth.stderr).toContain('Width must be a whole number')
    const noOutput = cli(['report', SINGLE])
    expect(noOutput.code).toBe(2)
    expect(noOutput.stderr).toContain("required option '-o, --output <file>' not specified")
    // Nothing written, no temporary files left.
    expect(readdirSync(dir).sort()).toEqual(before)
  })
})

describe('layerscope ci', () => {
  function rules(name: string, text: string): string {
    const p = join(dir, name)
    writeFileSync(p, text)
    return p
  }

  it('passes (exit 0) when the image is within every rule, and prints the table', () => {
    const r = cli(['ci', SINGLE, '--rules', rules('pass.json', '{ "maxSize": "1GB", "minEfficiency": "50%", "maxWastedBytes": "10MB" }')])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/max size\s+≤ 1GB\s+\S+MB\s+PASS/)
    expect(r.stdout).toContain('PASS: 3 rules passed.')
  })

  it('fails (exit 1) on a crossed limit and writes JUnit XML', () => {
    const size = inspectSize(SINGLE)
    const junit = join(dir, 'ci.xml')
    const r = cli(['ci', SINGLE, '--rules', rules('fail.yml', 'maxSize: 1MB\nmaxWastedPercent: 10%\n'), '--junit', junit])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(new RegExp(`max size\\s+≤ 1MB\\s+${formatDockerSize(size).replace('.', '\\.')}\\s+FAIL`))
    expect(r.stdout).toContain('FAIL: 2 of 2 rules failed.')
    const xml = readFileSync(junit, 'utf8')
    expect(xml).toContain('tests="2" failures="2"')
    expect(xml).toContain(`max size: ${formatDockerSize(size)} is over the limit 1MB.`)
  })

  it("reads dive's .dive-ci from the working directory and gates on dive's figures", () => {
    const sub = mkdtempSync(join(dir, 'dive-'))
    writeFileSync(join(sub, '.dive-ci'), 'rules:\n  lowestEfficiency: 0.99\n  highestWastedBytes: disabled\n  highestUserWastedPercent: 0.90\n')
    const r = cli(['ci', SINGLE, '--json'], sub)
    expect(r.code).toBe(1)
    const j = JSON.parse(r.stdout)
    expect(j.rulesFrom).toContain('.dive-ci')
    expect(j.checks.map((c: { key: string; passed: boolean }) => [c.key, c.passed])).toEqual([
      ['lowestEfficiency', false],
      ['highestUserWastedPercent', true]
    ])
  })

  it('gates growth against a baseline', () => {
    const grow = cli(['ci', SINGLE, '--baseline', MULTI, '--rules', rules('grow.json', '{ "maxGrowth": "1MB" }')])
    expect(grow.code).toBe(1)
    expect(grow.stdout).toContain('max growth vs baseline')
    const shrink = cli(['ci', MULTI, '--baseline', SINGLE, '--rules', rules('grow2.json', '{ "maxGrowth": "0%" }')])
    expect(shrink.code).toBe(0)
  })

  it('exits 2 naming the key and line of a typo or a wrong type, a missing baseline or image', () => {
    const typo = cli(['ci', SINGLE, '--rules', rules('typo.yml', 'maxSize: 1GB\nminEfficency: 0.9\n')])
    expect(typo.code).toBe(2)
    expect(typo.stderr).toContain('typo.yml:2: unknown key "minEfficency". Did you mean "minEfficiency"?')
    const wrong = cli(['ci', SINGLE, '--rules', rules('wrong.json', '{\n  "maxSize": true\n}')])
    expect(wrong.code).toBe(2)
    expect(wrong.stderr).toContain('wrong.json:2: maxSize must be a size')
    const noBase = cli(['ci', SINGLE, '--rules', rules('g.json', '{ "maxGrowth": "5%" }')])
    expect(noBase.code).toBe(2)
    expect(noBase.stderr).toContain('--baseline')
    const goneBase = cli(['ci', SINGLE, '--baseline', 'layerscope-test/report-nope:1', '--rules', join(dir, 'g.json')])
    expect(goneBase.code).toBe(2)
    expect(goneBase.stderr).toContain('Baseline (layerscope-test/report-nope:1)')
    const badOption = cli(['ci', SINGLE, '--rulez', 'x'])
    expect(badOption.code).toBe(2)
    expect(badOption.stderr).toContain("unknown option '--rulez'")
    const noRules = cli(['ci', SINGLE, '--rules', join(dir, 'absent.json')])
    expect(noRules.code).toBe(2)
    expect(noRules.stderr).toContain('does not exist')
  })
})

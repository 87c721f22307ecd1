// `layerscope history` and `layerscope ci --max-growth-since-tags` as a user runs them, on the
// engine images the history fixtures build; figures checked against docker image inspect.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatDelta } from '../../../shared/format'
import { HISTORY_REPO, HISTORY_TAGS, TOOLCHAIN_DIR, buildHistoryImages, engineFigures } from '../../core/history/testdata/history-fixtures'

const ROOT = resolve(__dirname, '../../../..')
const dir = mkdtempSync(join(tmpdir(), 'layerscope-history-cli-'))

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', resolve(ROOT, 'src/main/cli/index.ts'), '--cache-dir', join(dir, 'cache'), ...args], { cwd: ROOT, encoding: 'utf8' })
    return { code: 0, out: stdout, err: stderr }
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string }
    return { code: x.code ?? -1, out: x.stdout ?? '', err: x.stderr ?? '' }
  }
}

beforeAll(async () => {
  // A rules file of its own, so dive's defaults (no file found) never join the checks.
  writeFileSync(join(dir, 'size.yml'), 'maxSize: 1GB\n')
  await buildHistoryImages()
}, 300_000)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('layerscope history (engine)', () => {
  it('prints the series and the jumps as JSON and writes the trend PNG', async () => {
    const r = await cli(['history', HISTORY_REPO, '--last', '3', '--jumps', '1', '--json', '-o', join(dir, 'trend.png')])
    expect(r.err).toContain('Wrote')
    expect(r.code).toBe(0)
    const j = JSON.parse(r.out) as { series: { tags: Array<{ tag: string; unpackedBytes: number }> }; jumps: { jumps: Array<{ line: string }> } }
    const last3 = HISTORY_TAGS.slice(-3)
    expect(j.series.tags.map((t) => [t.tag, t.unpackedBytes])).toEqual(last3.map((t) => [t, engineFigures(`${HISTORY_REPO}:${t}`).size]))
    const d = engineFigures(`${HISTORY_REPO}:1.4.0`).size - engineFigures(`${HISTORY_REPO}:1.3.0`).size
    expect(j.jumps.jumps.map((x) => x.line)).toEqual([`1.4.0: ${formatDelta(d)}, ${TOOLCHAIN_DIR}/cc1: the build toolchain reached the final stage`])
    const png = readFileSync(join(dir, 'trend.png'))
    expect(png.subarray(1, 4).toString()).toBe('PNG')
  }, 300_000)

  it('refuses a tag where a repository is wanted, exit 2', async () => {
    const r = await cli(['history', `${HISTORY_REPO}:1.0.0`])
    expect(r.code).toBe(2)
    expect(r.err).toContain('names an image; history reads a repository')
  })
})

describe('layerscope ci --max-growth-since-tags', () => {
  it('fails when the image grew past the limit against the median of the last N tags, naming the tag and the cause', async () => {
    const r = await cli(['ci', `${HISTORY_REPO}:1.4.0`, '--rules', join(dir, 'size.yml'), '--max-growth-since-tags', '3', '--max-growth', '20%', '--json'])
    expect(r.code).toBe(1)
    const j = JSON.parse(r.out) as { passed: boolean; baseline: { image: string; size: number }; checks: Array<{ key: string; actual: number; passed: boolean }>; sinceTags: { tags: string[]; median: string; cause: string } }
    // 1.1.0, 1.2.0, 1.3.0: sizes 4.6, 2.5, 3.6 MB -> the median is 1.3.0.
    const sizes = ['1.1.0', '1.2.0', '1.3.0'].map((t) => ({ t, s: engineFigures(`${HISTORY_REPO}:${t}`).size })).sort((a, b) => a.s - b.s)
    expect(j.sinceTags.tags).toEqual(['1.1.0', '1.2.0', '1.3.0'])
    expect(j.sinceTags.median).toBe(sizes[1]!.t)
    expect(j.baseline.size).toBe(sizes[1]!.s)
    const size = engineFigures(`${HISTORY_REPO}:1.4.0`).size
    expect(j.checks).toEqual([
      expect.objectContaining({ key: 'maxSize', actual: size, passed: true }),
      expect.objectContaining({ key: 'maxGrowthPercent', actual: (size - sizes[1]!.s) / sizes[1]!.s, passed: false })
    ])
    expect(j.sinceTags.cause).toBe(`${HISTORY_REPO}:1.4.0: ${formatDelta(size - sizes[1]!.s)}, ${TOOLCHAIN_DIR}/cc1: the build toolchain reached the final stage`)
  }, 300_000)

  it('passes within the limit, and reads the key from the rules file', async () => {
    writeFileSync(join(dir, 'rules.yml'), 'maxGrowthSinceTags: 2\nmaxGrowth: 50MB\n')
    const r = await cli(['ci', `${HISTORY_REPO}:1.4.0`, '--rules', join(dir, 'rules.yml')])
    expect(r.code).toBe(0)
    expect(r.out).toContain(`Median of the last 2 tags of ${HISTORY_REPO} (1.2.0, 1.3.0): 1.2.0`)
    expect(r.out).toContain('PASS: 1 rule passed.')
  }, 300_000)

  it('needs a growth limit, and refuses --baseline with it', async () => {
    const a = await cli(['ci', `${HISTORY_REPO}:1.4.0`, '--rules', join(dir, 'size.yml'), '--max-growth-since-tags', '3'])
    expect(a.code).toBe(2)
    expect(a.err).toContain('maxGrowthSinceTags needs a growth limit')
    const b = await cli(['ci', `${HISTORY_REPO}:1.4.0`, '--rules', join(dir, 'size.yml'), '--max-growth-since-tags', '3', '--max-growth', '5%', '--baseline', `${HISTORY_REPO}:1.0.0`])
    expect(b.code).toBe(2)
    expect(b.err).toContain('not both')
  })
})

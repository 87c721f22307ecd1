import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import type * as FsDiff from '../compare/fs-diff'
import { CompareService, type ComparableImage, type ImageOpener } from '../compare/compare-service'
import { entries, fakeImage, layer } from '../compare/testdata/fake-images'
import { LayerscopeError } from '../errors'
import { ReportService, type ReportDesktop, type SaveDialogOptions } from './report-service'

const a = fakeImage({ key: 'ka', ref: 'x:1', layers: [layer(0, 'sha256:b', 10)], entries: entries('f:10') })
const b = fakeImage({ key: 'kb', ref: 'x:2', layers: [layer(0, 'sha256:b', 10), layer(1, 'sha256:c', 5)], entries: entries('f:10', 'g/h:5') })
const images: ImageOpener = {
  open: async (s) => ((s as { ref: string }).ref === 'x:1' ? a : b),
  get: (k): ComparableImage => {
    if (k === 'ka') return a
    if (k === 'kb') return b
    throw new LayerscopeError('NOT_FOUND', `No analysis ${k} is open; open the image again.`)
  }
}
// Counts runs of the filesystem diff: a report must take the one compare:open kept.
const diffRuns = vi.hoisted(() => ({ n: 0 }))
vi.mock('../compare/fs-diff', async (load) => {
  const m = await load<typeof FsDiff>()
  return {
    ...m,
    diffFilesystems: (...args: Parameters<typeof m.diffFilesystems>) => {
      diffRuns.n++
      return m.diffFilesystems(...args)
    }
  }
})
const diffCalls = (): number => diffRuns.n

const tmp = mkdtempSync(join(tmpdir(), 'layerscope-report-service-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

function service(desktop: Partial<ReportDesktop> = {}) {
  const compare = new CompareService(() => images)
  let diffs = 0
  const counted = {
    comparison: (x: string, y: string, signal?: AbortSignal) => {
      diffs++
      return compare.comparison(x, y, signal)
    }
  }
  const svc = new ReportService({
    images: () => images,
    compare: () => counted,
    dockerfile: async () => {
      throw new Error('no Dockerfile in these tests')
    },
    desktop: { ensure: () => undefined, saveDialog: async () => null, copyPng: async () => undefined, ...desktop },
    fontsDir: resolve(__dirname, '../../../../resources/fonts'),
    generator: 'Layerscope test'
  })
  return { svc, compare, diffs: () => diffs }
}
const job = { signal: new AbortController().signal }

describe('ReportService', () => {
  it('takes the comparison from CompareService: the diff kept by compare:open is not redone', async () => {
    const { svc, compare, diffs } = service()
    await compare.open({ kind: 'engine', ref: 'x:1' }, { kind: 'engine', ref: 'x:2' })
    const before = diffCalls()
    expect(before).toBe(1)
    const steps: string[] = []
    const out = await svc.render({ a: 'ka', b: 'kb', format: 'json' }, { ...job, onStep: (m) => steps.push(m) })
    expect(diffCalls()).toBe(before)
    expect(diffs()).toBe(1)
    const model = JSON.parse(out.data) as { comparison?: { delta: { bytes: number } }; generator?: string }
    expect(JSON.stringify(model)).toContain('Layerscope test')
    expect(out).toMatchObject({ format: 'json', encoding: 'utf8', mime: 'application/json' })
    expect(steps).toEqual(['Comparing the final filesystems', 'Drawing the report'])
    // A pair compare:open never saw is diffed once, then kept.
    await svc.render({ a: 'kb', b: 'ka', format: 'json' }, job)
    await svc.render({ a: 'kb', b: 'ka', format: 'md' }, job)
    expect(diffCalls()).toBe(before + 1)
  })

  it('reports one image without any comparison, and says when a key is not open', async () => {
    const { svc, diffs } = service()
    const out = await svc.render({ a: 'ka', format: 'md' }, job)
    expect(out.data).toContain('x:1')
    expect(diffs()).toBe(0)
    await expect(svc.render({ a: 'gone', format: 'md' }, job)).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('saves where the desktop dialog says (atomically), or nothing when the user cancels', async () => {
    const asked: SaveDialogOptions[] = []
    const target = join(tmp, 'r.svg')
    const { svc } = service({ saveDialog: async (o) => (asked.push(o), target) })
    expect(await svc.save({ a: 'ka', format: 'svg' }, job)).toEqual({ path: target })
    expect(readFileSync(target, 'utf8')).toMatch(/^<svg/)
    expect(asked[0]).toMatchObject({ defaultPath: 'layerscope-x-1.svg', filters: [{ name: 'SVG image', extensions: ['svg'] }] })
    const { svc: cancelled } = service({ saveDialog: async () => null })
    expect(await cancelled.save({ a: 'ka', format: 'svg' }, job)).toEqual({ path: null })
  })

  it('copies a PNG whatever format was asked, and refuses before any work without a desktop', async () => {
    const copied: Buffer[] = []
    const { svc } = service({ copyPng: async (png) => void copied.push(png) })
    expect(await svc.copy({ a: 'ka', format: 'svg' }, job)).toEqual({ copied: true })
    expect(copied[0]!.subarray(1, 4).toString('latin1')).toBe('PNG')
    const none = service({
      ensure: () => {
        throw new LayerscopeError('INVALID_INPUT', 'desktop only')
      }
    }).svc
    // 'gone' is not open: the desktop check comes first, so the message is about the desktop.
    await expect(none.save({ a: 'gone', format: 'png' }, job)).rejects.toThrow('desktop only')
    await expect(none.copy({ a: 'gone', format: 'png' }, job)).rejects.toThrow('desktop only')
  })
})


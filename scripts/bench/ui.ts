// UI benchmark: opens a 100,000-file image (or, with --1m, a 1,000,000-file one) in Chromium through `layerscope serve` and prints,
// from the renderer's performance marks, the time from "analysis done" to the first treemap
// paint and the median treemap drill-down step (targets: < 500 ms, < 100 ms).
// Baseline measured in the same run: the bare API call for the same treemap level (fetch +
// JSON, no rendering), so the ratios show what the UI adds on top of the backend.
//
//   npx electron-vite build --outDir $PWD/out-ui && LAYERSCOPE_OUT=out-ui npm run bench:ui [-- --keep] [-- --1m]
//     --cache-dir DIR  reuse a layer cache (a re-run skips the export; the marks measure the UI only)
//     --profile FILE   write the renderer's CPU profile of the drill steps (.cpuprofile, for DevTools)
//                      and print the API calls each step waited on
//     --trace FILE     write a Chromium performance trace of the drill steps (DevTools' Performance panel)
import { readFileSync, writeFileSync } from 'node:fs'
import { buildImage, ensureBaseImage, imageExists, removeTestImages } from '../fixtures/base-image'
import { launchChromium, snap, startServe } from '../../e2e/fixtures'
import { DOCKERFILE_1M } from '../fixtures/bench-images'

// Browser globals used inside page.evaluate: declared here, as this file compiles without the DOM lib.
declare const sessionStorage: { getItem(k: string): string | null }
declare const location: { href: string }
interface ResourceTiming {
  name: string
  startTime: number
  requestStart: number
  responseStart: number
  responseEnd: number
  encodedBodySize: number
}

const keep = process.argv.includes('--keep')
const million = process.argv.includes('--1m')
const argValue = (name: string): string | undefined => {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1] : undefined
}
const cacheDir = argValue('--cache-dir')
const profileFile = argValue('--profile')
const traceFile = argValue('--trace')
const TAG_100K = 'layerscope-test/bench-ui-100k:1'

// 10 x 10 x 10 directories x 100 files = 100,000 files, sizes varying by directory so the
// treemap has structure to draw. Built with busybox sh (echo is a builtin: no fork per file).
const DOCKERFILE = `FROM layerscope-fixture/busybox:1
RUN mkdir /data && cd /data && p=x && for a in 0 1 2 3 4 5 6 7 8 9; do p="$p$p$a"; for b in 0 1 2 3 4 5 6 7 8 9; do for c in 0 1 2 3 4 5 6 7 8 9; do d=a$a/b$b/c$c; mkdir -p $d; for f in $(seq 1 100); do echo "$d/$f $p" > $d/f$f; done; done; done; done
`

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

interface TraceEvent {
  name: string
  ph: string
  pid: number
  tid: number
  ts: number
  dur?: number
  tdur?: number
  cat?: string
  args?: { name?: string }
}

/**
 * CPU time of the page's main thread inside each drill step (from its start mark to its end
 * mark), from the trace's thread-time durations: what the UI itself costs, whatever the load.
 */
function rendererCpuPerStep(file: string): number[] {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as { traceEvents?: TraceEvent[] } | TraceEvent[]
  const ev = Array.isArray(raw) ? raw : (raw.traceEvents ?? [])
  const main = ev.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
  if (!main) return []
  const at = new Map(ev.filter((e) => e.cat?.includes('blink.user_timing') && e.name.startsWith('drill-')).map((e) => [e.name, e.ts]))
  const tasks = ev.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask')
  const out: number[] = []
  for (let i = 1; at.has(`drill-start-${i}`); i++) {
    const s = at.get(`drill-start-${i}`)!
    const e = at.get(`drill-end-${i}`) ?? s
    // A task that spans the start (the click's own handler) counts whole.
    out.push(tasks.filter((t) => t.ts + (t.dur ?? 0) >= s && t.ts <= e).reduce((a, t) => a + (t.tdur ?? t.dur ?? 0), 0) / 1000)
  }
  return out
}

// Our own tag for the 1M image (same Dockerfile as bench:analyze's), so a parallel benchmark
// that removes its image never pulls ours away mid-run.
const TAG_1M = 'layerscope-test/bench-ui-1m:1'
const TAG = million ? TAG_1M : TAG_100K
const FILES = million ? '1,000,000' : '100,000'

async function main(): Promise<void> {
  await ensureBaseImage()
  // Removed at the end only when this run built it (and no --keep): never another run's image.
  const built = !imageExists(TAG)
  if (built) {
    const t = Date.now()
    console.log(`building ${TAG} (${FILES} files)…`)
    buildImage(TAG, million ? DOCKERFILE_1M : DOCKERFILE)
    console.log(`  built in ${((Date.now() - t) / 1000).toFixed(1)} s`)
  }
  // A later --cache-dir wins over the fresh folder startServe passes.
  const serve = await startServe({}, cacheDir ? ['--cache-dir', cacheDir] : [])
  const browser = await launchChromium()
  try {
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage()
    await page.goto(serve.url)
    await page.getByTestId('image-filter').fill(TAG)
    const t0 = Date.now()
    await page.locator(`[data-testid=image-row][data-name="${TAG}"]`).click()
    await page.getByTestId('image-view').waitFor({ timeout: 600_000 })
    const openMs = Date.now() - t0
    await page.waitForFunction(() => performance.getEntriesByName('treemap-painted').length > 0, null, { timeout: 60_000 })
    const { firstPaint, dataAt, request } = await page.evaluate(() => {
      const done = performance.getEntriesByName('analysis-done').at(-1)!.startTime
      const data = performance.getEntriesByName('treemap-data').at(-1)?.startTime ?? done
      const painted = performance.getEntriesByName('treemap-painted').at(-1)!.startTime
      // The first level's request (prefetched at "analysis done"): when it left, how long the backend took.
      const r = (performance.getEntriesByType('resource') as unknown as ResourceTiming[]).find((e) => e.name.endsWith('/analysis:treemap') && e.startTime >= done - 50)
      return { firstPaint: painted - done, dataAt: data - done, request: r ? { sent: r.startTime - done, server: r.responseStart - r.requestStart } : null }
    })
    console.log(`analysis done -> first treemap paint: ${firstPaint.toFixed(0)} ms (data after ${dataAt.toFixed(0)} ms)`)
    const key = await page.getByTestId('image-view').getAttribute('data-key')
    await snap(page, `bench-${million ? '1m' : '100k'}-image`)

    const cdp = profileFile ? await page.context().newCDPSession(page) : null
    if (cdp) {
      await cdp.send('Profiler.enable')
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 })
      await cdp.send('Profiler.start')
    }
    if (traceFile) await browser.startTracing(page, { path: traceFile, categories: ['devtools.timeline', 'blink.user_timing', 'toplevel', 'v8.execute', 'disabled-by-default-devtools.timeline'] })
    // Drill down along the biggest block, then back up; every step is measured by the page.
    const steps: string[] = []
    for (let i = 0; i < 4; i++) {
      const before = await page.evaluate(() => performance.getEntriesByName('drill-step').length)
      // The biggest folder's block (however thin: 1,000 equal folders leave slivers); none: stop there.
      const blocks = page.locator('.tm-overlay g[data-kind=dir] > rect:first-child')
      const boxes = (await Promise.all((await blocks.all()).map((b) => b.boundingBox()))).filter((b) => b !== null && b.width >= 1 && b.height >= 1)
      const box = boxes.sort((a, b) => b!.width * b!.height - a!.width * a!.height)[0]
      if (!box) break
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2)
      const drilled = await page
        .waitForFunction((n) => performance.getEntriesByName('drill-step').length > n, before, { timeout: 15_000 })
        .then(() => true)
        .catch(() => false)
      if (!drilled) break
      steps.push((await page.getByTestId('treemap-crumbs').innerText()).replace(/\s+/g, ''))
      if (i === 1) await snap(page, `bench-${million ? '1m' : '100k'}-drilled`)
    }
    for (let i = 0; i < steps.length; i++) {
      const before = await page.evaluate(() => performance.getEntriesByName('drill-step').length)
      await page.getByTestId('treemap-back').click()
      await page.waitForFunction((n) => performance.getEntriesByName('drill-step').length > n, before, { timeout: 30_000 })
    }
    const drills = await page.evaluate(() => performance.getEntriesByName('drill-step').map((e) => e.duration))
    if (traceFile) {
      await browser.stopTracing()
      console.log(`performance trace of the drill steps: ${traceFile}`)
      const cpu = rendererCpuPerStep(traceFile)
      console.log(`  renderer main-thread CPU per step: ${cpu.map((c) => c.toFixed(0)).join(', ')} ms (median ${median(cpu).toFixed(0)}; the rest of a step is waiting for the backend)`)
    }
    if (cdp && profileFile) {
      const { profile } = await cdp.send('Profiler.stop')
      writeFileSync(profileFile, JSON.stringify(profile))
      console.log(`CPU profile of the drill steps: ${profileFile}`)
      // Where each step's time went: the API calls it waited on (resource timing), relative to its start.
      const timeline = await page.evaluate(() => {
        const starts = performance.getEntriesByType('mark').filter((m) => m.name.startsWith('drill-start-'))
        const calls = performance.getEntriesByType('resource') as unknown as ResourceTiming[]
        return starts.map((s) => {
          const end = performance.getEntriesByName(s.name.replace('start', 'end'))[0]?.startTime ?? s.startTime
          const during = calls.filter((c) => c.startTime >= s.startTime - 1 && c.startTime <= end)
          return {
            total: end - s.startTime,
            calls: during.map((c) => `${c.name.split('/').pop()} +${(c.startTime - s.startTime).toFixed(0)}..${(c.responseEnd - s.startTime).toFixed(0)} (server ${(c.responseStart - c.requestStart).toFixed(0)} ms, ${c.encodedBodySize} B)`)
          }
        })
      })
      for (const t of timeline) console.log(`  step ${t.total.toFixed(0)} ms: ${t.calls.join('; ')}`)
    }

    // Baseline: the same treemap requests straight to the API (no React, no SVG).
    const paths = ['/', ...steps.map((s) => s.replace(/^\//, '/').replace(/\/$/, ''))]
    const apiMs = await page.evaluate(
      async ({ key, paths }) => {
        const token = sessionStorage.getItem('layerscope.token') ?? new URL(location.href).searchParams.get('token') ?? ''
        const out: number[] = []
        for (const path of paths) {
          const t = performance.now()
          const r = await fetch('/api/call/analysis:treemap', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
            body: JSON.stringify({ scope: { key, layer: null, mode: 'stacked' }, path, depth: 2, maxNodes: 400 })
          })
          await r.json()
          out.push(performance.now() - t)
        }
        return out
      },
      { key, paths }
    )
    const apiMedian = median(apiMs)
    const drillMedian = median(drills)
    console.log(`image: ${TAG} — opened (analysis incl. export) in ${(openMs / 1000).toFixed(1)} s`)
    console.log(`drill path: ${steps.join('  →  ')}`)
    console.log(`analysis done -> first treemap paint: ${firstPaint.toFixed(0)} ms  (target < 500 ms)  = ${(firstPaint / apiMedian).toFixed(1)}x the bare treemap API call`)
    console.log(`  of which: treemap data in the page after ${dataAt.toFixed(0)} ms, then ${(firstPaint - dataAt).toFixed(0)} ms to render and paint`)
    if (request) console.log(`  the first level's request left ${request.sent.toFixed(0)} ms after "analysis done"; the backend answered in ${request.server.toFixed(0)} ms`)
    console.log(`drill-down step median: ${drillMedian.toFixed(0)} ms over ${drills.length} steps (min ${Math.min(...drills).toFixed(0)}, max ${Math.max(...drills).toFixed(0)})  (target < 100 ms)  = ${(drillMedian / apiMedian).toFixed(1)}x the bare API call`)
    console.log(`  steps: ${drills.map((d) => d.toFixed(0)).join(', ')} ms`)
    console.log(`baseline: treemap API call median ${apiMedian.toFixed(0)} ms over ${apiMs.length} levels`)
  } finally {
    await browser.close()
    await serve.stop()
    if (built && !keep) removeTestImages(TAG)
  }
}

main().catch((e: unknown) => {
  console.error(e)
  process.exit(1)
})

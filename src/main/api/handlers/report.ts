import { join } from 'node:path'
import type { Comparison } from '../../../shared/models/compare'
import type { DockerfileAnalysis } from '../../../shared/models/dockerfile'
import type { ReportOutput, ReportRequest } from '../../../shared/models/report'
import type { AnalyzedImage } from '../../core/analysis/analyzed-image'
import { buildComparison } from '../../core/compare/compare-service'
import { alignLayers } from '../../core/compare/layer-alignment'
import { diffFilesystems } from '../../core/compare/fs-diff'
import { LayerscopeError, throwIfCancelled } from '../../core/errors'
import { writeFileAtomic } from '../../core/report/atomic-write'
import { biggestDirectories } from '../../core/report/dir-sizes'
import { checkRenderOptions, renderReport } from '../../core/report/render-report'
import type * as ElectronModule from 'electron'
import type { Services } from '../services'
import type { HandlerContext, HandlerGroup } from '../types'
import { dockerfileHandlers } from './dockerfile'

/** The comparison of two images already open in this process (no engine call, no re-export). */
export function comparisonOf(a: AnalyzedImage, b: AnalyzedImage, signal?: AbortSignal): Comparison {
  const alignment = alignLayers(a.analysis.layers, b.analysis.layers)
  const diff = diffFilesystems(a.finalEntries(), b.finalEntries(), { sharedLayers: alignment.sharedLayers.length, signal })
  return buildComparison(a, b, alignment, diff)
}

function checkRequest(req: ReportRequest): void {
  if (typeof req.a !== 'string' || req.a === '') {
    throw new LayerscopeError('INVALID_INPUT', 'a (the analysis key of the image to report on) is required.')
  }
  if (req.b !== undefined && (typeof req.b !== 'string' || req.b === '')) {
    throw new LayerscopeError('INVALID_INPUT', 'b must be the analysis key of the second image, or left out.')
  }
  if (req.dockerfile !== undefined && (typeof req.dockerfile !== 'string' || req.dockerfile === '')) {
    throw new LayerscopeError('INVALID_INPUT', 'dockerfile must be the path of a Dockerfile, or left out.')
  }
  checkRenderOptions(req)
}

export async function renderReportFor(s: Services, req: ReportRequest, ctx: HandlerContext): Promise<ReportOutput> {
  checkRequest(req)
  const progress = (message: string): void => {
    if (ctx.jobId) ctx.emit('job:progress', { jobId: ctx.jobId, phase: 'report', bytesDone: 0, message })
  }
  const a = s.analysis().get(req.a)
  const b = req.b ? s.analysis().get(req.b) : undefined
  let dockerfile: DockerfileAnalysis | undefined
  if (req.dockerfile) {
    progress('Reading the Dockerfile')
    dockerfile = await dockerfileHandlers(s)['dockerfile:open']({ path: req.dockerfile }, ctx)
  }
  throwIfCancelled(ctx.signal)
  progress(b ? 'Comparing the final filesystems' : 'Summing directories')
  const comparison = b ? comparisonOf(a, b, ctx.signal) : undefined
  const directories = b ? undefined : biggestDirectories(a.finalEntries())
  throwIfCancelled(ctx.signal)
  progress('Drawing the report')
  return renderReport(
    {
      a: a.analysis,
      ...(b ? { b: b.analysis, comparison } : {}),
      ...(directories ? { directories } : {}),
      ...(dockerfile ? { dockerfile } : {}),
      generator: `Layerscope ${s.options.version}`
    },
    { format: req.format, theme: req.theme, width: req.width, fontsDir: join(s.options.resourcesDir, 'fonts') }
  )
}

const DESKTOP_ONLY = 'Saving with a dialog and copying to the clipboard exist only in the desktop app; in the browser the report downloads as a file.'

/**
 * Electron's dialog and clipboard, loaded only in the desktop front: this module is also part
 * of the CLI and `serve` builds, which never reach the import.
 */
async function electronModules(s: Services): Promise<typeof ElectronModule> {
  if (s.options.front !== 'electron') throw new LayerscopeError('INVALID_INPUT', DESKTOP_ONLY)
  return import('electron')
}

const FILTERS: Record<ReportOutput['format'], { name: string; extensions: string[] }> = {
  png: { name: 'PNG image', extensions: ['png'] },
  svg: { name: 'SVG image', extensions: ['svg'] },
  json: { name: 'JSON', extensions: ['json'] },
  md: { name: 'Markdown', extensions: ['md'] }
}

export function reportHandlers(s: Services): HandlerGroup<'report:render' | 'report:save' | 'report:copy'> {
  return {
    'report:render': (req, ctx) => renderReportFor(s, req, ctx),
    'report:save': async (req, ctx) => {
      const { dialog, BrowserWindow } = await electronModules(s)
      const out = await renderReportFor(s, req, ctx)
      const opts = { title: 'Save the size report', defaultPath: out.suggestedName, filters: [FILTERS[out.format]] }
      const win = BrowserWindow.getFocusedWindow()
      const r = win ? await dialog.showSaveDialog(win, opts) : await dialog.showSaveDialog(opts)
      if (r.canceled || !r.filePath) return { path: null }
      await writeFileAtomic(r.filePath, out.encoding === 'base64' ? Buffer.from(out.data, 'base64') : out.data)
      return { path: r.filePath }
    },
    'report:copy': async (req, ctx) => {
      const { clipboard, ClipboardItem } = await electronModules(s)
      const out = await renderReportFor(s, { ...req, format: 'png' }, ctx)
      const png = new Blob([Buffer.from(out.data, 'base64')], { type: 'image/png' })
      await clipboard.write([new ClipboardItem({ 'image/png': png })])
      return { copied: true }
    }
  }
}

// One entry point for every output format, shared by the handler (app) and the CLI.
import type { ReportFormat, ReportOutput, ReportTheme } from '../../../shared/models/report'
import { LayerscopeError } from '../errors'
import { buildReportModel, type ReportInput, type ReportModel } from './report-model'
import { renderReportJson } from './report-json'
import { renderReportMarkdown } from './report-markdown'
import { renderReportSvg, REPORT_WIDTH } from './report-svg'
import { svgToPng } from './svg-to-png'

export const REPORT_FORMATS: readonly ReportFormat[] = ['png', 'svg', 'json', 'md']
export const REPORT_THEMES: readonly ReportTheme[] = ['light', 'dark']

export const MIME: Record<ReportFormat, string> = {
  png: 'image/png',
  svg: 'image/svg+xml',
  json: 'application/json',
  md: 'text/markdown'
}

/** Smallest and largest pixel width accepted (a PNG beyond 4800 px wide is megabytes). */
export const MIN_WIDTH = 400
export const MAX_WIDTH = 4800

export interface RenderOptions {
  format: ReportFormat
  theme?: ReportTheme
  width?: number
  /** resources/fonts: the only fonts the PNG may use. */
  fontsDir: string
}

export function isReportFormat(v: unknown): v is ReportFormat {
  return typeof v === 'string' && (REPORT_FORMATS as readonly string[]).includes(v)
}

export function checkRenderOptions(o: { format?: unknown; theme?: unknown; width?: unknown }): void {
  if (!isReportFormat(o.format)) {
    throw new LayerscopeError('INVALID_INPUT', `Unknown report format "${String(o.format)}": use ${REPORT_FORMATS.join(', ')}.`)
  }
  if (o.theme !== undefined && !(REPORT_THEMES as readonly unknown[]).includes(o.theme)) {
    throw new LayerscopeError('INVALID_INPUT', `Unknown theme "${String(o.theme)}": use light or dark.`)
  }
  if (o.width !== undefined && (typeof o.width !== 'number' || !Number.isInteger(o.width) || o.width < MIN_WIDTH || o.width > MAX_WIDTH)) {
    throw new LayerscopeError('INVALID_INPUT', `Width must be a whole number of pixels from ${MIN_WIDTH} to ${MAX_WIDTH} (got ${String(o.width)}).`)
  }
}

/** "layerscope-acme-web-single-vs-acme-web-multi.png": safe on every file system. */
export function suggestedName(m: ReportModel, format: ReportFormat): string {
  const slug = (s: string): string =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[-.]+|[-.]+$/g, '')
      .slice(0, 60) || 'image'
  const names = m.images.map((i) => slug(i.name))
  return `layerscope-${names.join('-vs-')}.${format}`
}

export function renderModel(m: ReportModel, o: RenderOptions): ReportOutput {
  checkRenderOptions(o)
  const base = { format: o.format, mime: MIME[o.format], suggestedName: suggestedName(m, o.format) }
  switch (o.format) {
    case 'json':
      return { ...base, data: renderReportJson(m), encoding: 'utf8' }
    case 'md':
      return { ...base, data: renderReportMarkdown(m), encoding: 'utf8' }
    case 'svg':
      return { ...base, data: renderReportSvg(m, { theme: o.theme, width: o.width ?? REPORT_WIDTH }), encoding: 'utf8' }
    case 'png': {
      const width = o.width ?? REPORT_WIDTH
      const svg = renderReportSvg(m, { theme: o.theme, width })
      return { ...base, data: svgToPng(svg, { width, fontsDir: o.fontsDir }).toString('base64'), encoding: 'base64' }
    }
  }
}

export function renderReport(input: ReportInput, o: RenderOptions): ReportOutput {
  return renderModel(buildReportModel(input), o)
}

// One entry point for every output format, shared by the handler (app) and the CLI.
import type { ReportFormat, ReportOutput, ReportTheme } from '../../../shared/models/report'
import { buildReportModel, type ReportInput, type ReportModel } from './report-model'
import { renderReportJson } from './report-json'
import { renderReportMarkdown } from './report-markdown'
import { renderReportSvg, REPORT_WIDTH } from './report-svg'
import { svgToPng } from './svg-to-png'

export const MIME: Record<ReportFormat, string> = {
  png: 'image/png',
  svg: 'image/svg+xml',
  json: 'application/json',
  md: 'text/markdown'
}

export interface RenderOptions {
  format: ReportFormat
  theme?: ReportTheme
  width?: number
  /** resources/fonts: the only fonts the PNG may use. */
  fontsDir: string
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

/** Options arrive checked: the report channels' schema (src/shared/schemas/report.ts) refuses bad ones. */
export function renderModel(m: ReportModel, o: RenderOptions): ReportOutput {
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

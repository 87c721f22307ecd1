import type { REPORT_FORMATS, REPORT_THEMES } from '../schemas/report'

/** 'png' | 'svg' | 'json' | 'md': the formats the report schema takes, listed once there. */
export type ReportFormat = (typeof REPORT_FORMATS)[number]
/** 'light' | 'dark'. */
export type ReportTheme = (typeof REPORT_THEMES)[number]

export interface ReportRequest {
  /** Analysis key of the image (or side A of a comparison). */
  a: string
  /** Analysis key of side B, for a comparison report. */
  b?: string
  /** Dockerfile analysed alongside, to include the stage graph and advice. */
  dockerfile?: string
  format: ReportFormat
  theme?: ReportTheme
  /** Pixel width of PNG output (default 1200). */
  width?: number
}

export interface ReportOutput {
  format: ReportFormat
  mime: string
  /** Base64 for png; text for svg/json/md. */
  data: string
  encoding: 'base64' | 'utf8'
  suggestedName: string
}

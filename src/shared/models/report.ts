export type ReportFormat = 'png' | 'svg' | 'json' | 'md'
export type ReportTheme = 'light' | 'dark'

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

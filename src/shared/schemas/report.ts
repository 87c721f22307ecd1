// How a size report is drawn: format, theme and width. The report channels' requests are built
// from these, and the CLI checks its flags with the same schema before it opens any image, so
// every front refuses a bad option in the same words.
import { z } from 'zod'

export const REPORT_FORMATS = ['png', 'svg', 'json', 'md'] as const
export const REPORT_THEMES = ['light', 'dark'] as const
/** Smallest and largest pixel width accepted (a PNG beyond 4800 px wide is megabytes). */
export const REPORT_MIN_WIDTH = 400
export const REPORT_MAX_WIDTH = 4800

export const reportFormat = z.enum(REPORT_FORMATS, {
  error: (iss) => `Unknown report format "${String(iss.input)}": use ${REPORT_FORMATS.join(', ')}.`
})

const reportTheme = z.enum(REPORT_THEMES, { error: (iss) => `Unknown theme "${String(iss.input)}": use ${REPORT_THEMES.join(' or ')}.` })

const widthError = (iss: { input?: unknown }): string =>
  `Width must be a whole number of pixels from ${REPORT_MIN_WIDTH} to ${REPORT_MAX_WIDTH} (got ${String(iss.input)}).`
const reportWidth = z.number({ error: widthError }).int({ error: widthError }).min(REPORT_MIN_WIDTH, { error: widthError }).max(REPORT_MAX_WIDTH, { error: widthError })

/** The drawing options of every report request. */
export const reportOptionFields = {
  format: reportFormat,
  theme: reportTheme.optional(),
  width: reportWidth.optional()
}

export const reportOptions = z.object(reportOptionFields)

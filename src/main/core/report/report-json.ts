// The report model as JSON for scripts: raw byte counts (no rounding), schema-tagged so a
// consumer can check what it reads. Non-finite numbers (a ratio against an empty image) are null.
import type { ReportModel } from './report-model'

export function renderReportJson(m: ReportModel): string {
  return JSON.stringify(m, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n'
}

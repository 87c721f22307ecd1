// Screens owned by other features may not exist yet in a given build; Vite's import.meta.glob
// resolves them at build time and yields nothing when the file is missing (no broken import).
import type { ComponentType } from 'react'

declare global {
  interface ImportMeta {
    glob<T = unknown>(pattern: string, options: { eager: true }): Record<string, T>
  }
}

const reportModules = import.meta.glob<{ ExportReportButton?: ComponentType<{ aKey: string; bKey?: string }> }>('../features/report/index.tsx', { eager: true })

/** The report feature's ExportReportButton, when that feature is part of the build. */
export const ExportReportButton: ComponentType<{ aKey: string; bKey?: string }> | null =
  Object.values(reportModules)[0]?.ExportReportButton ?? null

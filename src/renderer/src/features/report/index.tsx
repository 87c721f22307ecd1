// The report feature: other screens embed ExportReportButton (through lib/optional-module).
export { ExportReportButton, type ExportReportButtonProps } from './ExportReportButton'

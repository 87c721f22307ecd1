// The report feature: the image and compare screens embed ExportReportButton.
export { ExportReportButton, type ExportReportButtonProps } from './ExportReportButton'

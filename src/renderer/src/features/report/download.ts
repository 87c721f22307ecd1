// Browser download of a rendered report: the bytes become a Blob URL clicked through an <a download>.
import type { ReportOutput } from '../../../../shared/models/report'

export function reportBlob(out: ReportOutput): Blob {
  if (out.encoding === 'utf8') return new Blob([out.data], { type: out.mime })
  const bin = atob(out.data)
  const bytes = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i)
  return new Blob([bytes], { type: out.mime })
}

export function downloadReport(out: ReportOutput): void {
  const url = URL.createObjectURL(reportBlob(out))
  const a = document.createElement('a')
  a.href = url
  a.download = out.suggestedName
  a.rel = 'noopener'
  a.style.display = 'none'
  document.body.appendChild(a)
  a.click()
  a.remove()
  // The download has started by the next tick; free the bytes soon after.
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

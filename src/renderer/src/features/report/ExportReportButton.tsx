// "Export report" for an image or a comparison: PNG/SVG/Markdown/JSON downloads in the browser,
// the native save dialog and copy-to-clipboard in the desktop app. Errors show inline.
import { useEffect, useRef, useState } from 'react'
import type { ReportFormat } from '../../../../shared/models/report'
import { api } from '../../api'
import { Button } from '../../components/Button'
import { call, toApiError } from '../../lib/call'
import { useResolvedTheme } from '../../lib/theme'
import { useApp } from '../../stores'
import { downloadReport } from './download'
import './report.css'
import { EXPORT_REPORT_EVENT } from '../../lib/app-commands'

export interface ExportReportButtonProps {
  aKey: string
  bKey?: string
}

type Action = { kind: 'download' | 'save'; format: ReportFormat } | { kind: 'copy' }

interface Item {
  label: string
  hint: string
  action: Action
}

function items(desktop: boolean): Item[] {
  const kind = desktop ? 'save' : 'download'
  const verb = desktop ? 'Save' : 'Download'
  const list: Item[] = [
    { label: `${verb} PNG`, hint: 'picture for a pull request or a chat', action: { kind, format: 'png' } },
    { label: `${verb} SVG`, hint: 'vector, same picture', action: { kind, format: 'svg' } },
    { label: `${verb} Markdown`, hint: 'table for a PR comment', action: { kind, format: 'md' } },
    { label: `${verb} JSON`, hint: 'exact numbers for scripts', action: { kind, format: 'json' } }
  ]
  if (desktop) list.splice(1, 0, { label: 'Copy PNG', hint: 'to the clipboard', action: { kind: 'copy' } })
  return list
}

export function ExportReportButton({ aKey, bKey }: ExportReportButtonProps): React.JSX.Element {
  const theme = useResolvedTheme()
  // A Dockerfile open in the app can add its stage graph and advice (the user says whether it built this image).
  const dockerfile = useApp((s) => s.dfAnalysis?.path ?? null)
  const [withDockerfile, setWithDockerfile] = useState(false)
  const desktop = api?.front === 'electron'
  const [open, setOpen] = useState(false)
  // File > Export report… in the desktop app opens this menu.
  useEffect(() => {
    const onExport = (): void => setOpen(true)
    globalThis.addEventListener(EXPORT_REPORT_EVENT, onExport)
    return () => globalThis.removeEventListener(EXPORT_REPORT_EVENT, onExport)
  }, [])
  const [busy, setBusy] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [done, setDone] = useState<string | null>(null)
  const root = useRef<HTMLDivElement>(null)
  const menu = useRef<HTMLDivElement>(null)

  useEffect(() => {
    if (!open) return
    const onDown = (e: MouseEvent): void => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false)
    }
    document.addEventListener('mousedown', onDown)
    menu.current?.querySelector<HTMLButtonElement>('[role="menuitem"]')?.focus()
    return () => document.removeEventListener('mousedown', onDown)
  }, [open])

  // A success note is a confirmation, not a fixture: it fades after a few seconds.
  useEffect(() => {
    if (!done) return
    const t = setTimeout(() => setDone(null), 5000)
    return () => clearTimeout(t)
  }, [done])

  const run = async (item: Item): Promise<void> => {
    setOpen(false)
    setError(null)
    setDone(null)
    setBusy(item.label)
    const req = { a: aKey, ...(bKey ? { b: bKey } : {}), ...(dockerfile && withDockerfile ? { dockerfile } : {}), theme }
    try {
      const a = item.action
      if (a.kind === 'copy') {
        await call('report:copy', { ...req, format: 'png' })
        setDone('Copied to the clipboard')
      } else if (a.kind === 'save') {
        const r = await call('report:save', { ...req, format: a.format })
        if (r.path) setDone(`Saved ${r.path}`)
      } else {
        const out = await call('report:render', { ...req, format: a.format })
        downloadReport(out)
        setDone(`Downloaded ${out.suggestedName}`)
      }
    } catch (e) {
      setError(toApiError(e).message)
    } finally {
      setBusy(null)
    }
  }

  const onMenuKey = (e: React.KeyboardEvent): void => {
    const buttons = [...(menu.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? [])]
    const i = buttons.indexOf(document.activeElement as HTMLButtonElement)
    if (e.key === 'Escape') {
      setOpen(false)
      root.current?.querySelector<HTMLButtonElement>('.report-export-trigger')?.focus()
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault()
      const next = (i + (e.key === 'ArrowDown' ? 1 : -1) + buttons.length) % buttons.length
      buttons[next]?.focus()
    }
  }

  return (
    <div className="report-export" ref={root} data-testid="report-export">
      <Button
        size="sm"
        className="report-export-trigger"
        aria-haspopup="menu"
        aria-expanded={open}
        disabled={busy !== null}
        onClick={() => setOpen((o) => !o)}
        title={bKey ? 'Export a size report of this comparison' : 'Export a size report of this image'}
      >
        {busy ? 'Exporting…' : 'Export report'}
        <span aria-hidden="true" className="report-export-caret">▾</span>
      </Button>
      {open && (
        <div className="report-export-menu" role="menu" aria-label="Export report" ref={menu} onKeyDown={onMenuKey}>
          {items(desktop).map((it) => (
            <button key={it.label} type="button" role="menuitem" className="report-export-item" onClick={() => void run(it)}>
              <span className="report-export-label">{it.label}</span>
              <span className="report-export-hint">{it.hint}</span>
            </button>
          ))}
          {dockerfile && (
            <label className="report-export-check" title={dockerfile}>
              <input type="checkbox" checked={withDockerfile} onChange={(e) => setWithDockerfile(e.target.checked)} />
              <span>
                Include stage graph and advice of <b>{dockerfile.split(/[\\/]/).pop()}</b>
              </span>
            </label>
          )}
          <div className="report-export-foot">{theme === 'dark' ? 'Dark' : 'Light'} theme, 1200 px wide</div>
        </div>
      )}
      {error && (
        <div className="report-export-status report-export-error" role="alert">
          {error}
          <button type="button" className="report-export-dismiss" aria-label="Dismiss" onClick={() => setError(null)}>
            ×
          </button>
        </div>
      )}
      {done && !error && (
        <div className="report-export-status" role="status">
          {done}
        </div>
      )}
    </div>
  )
}

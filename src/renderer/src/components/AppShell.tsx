// The window layout: a narrow sidebar with the app's places, a top bar, and the screen.
import { useEffect, useState, type ReactNode } from 'react'
import { loadJson, saveJson } from '../lib/persist'
import './app-shell.css'

export interface NavItem {
  id: string
  label: string
  icon: ReactNode
  active: boolean
  onSelect: () => void
}

/**
 * The sidebar collapses to icons: by the user's choice (remembered), or by itself in windows
 * narrower than 1100 px until the user expands it.
 */
function useSidebarCollapsed(): [boolean, () => void] {
  const narrowQuery = '(max-width: 1100px)'
  const [choice, setChoice] = useState<SidebarChoice>(() => loadJson<SidebarChoice>('sidebar', 'auto', isSidebarChoice))
  const [narrow, setNarrow] = useState(() => globalThis.matchMedia?.(narrowQuery).matches ?? false)
  useEffect(() => {
    const mq = globalThis.matchMedia?.(narrowQuery)
    if (!mq) return
    const on = (): void => setNarrow(mq.matches)
    mq.addEventListener('change', on)
    return () => mq.removeEventListener('change', on)
  }, [])
  const collapsed = choice === 'collapsed' || (choice === 'auto' && narrow)
  const toggle = (): void => {
    const next: SidebarChoice = collapsed ? 'expanded' : 'collapsed'
    saveJson('sidebar', next)
    setChoice(next)
  }
  return [collapsed, toggle]
}

type SidebarChoice = 'auto' | 'expanded' | 'collapsed'
const isSidebarChoice = (v: unknown): v is SidebarChoice => v === 'auto' || v === 'expanded' || v === 'collapsed'

export function AppShell({ nav, topRight, footer, children }: { nav: NavItem[]; topRight?: ReactNode; footer?: ReactNode; children: ReactNode }): React.JSX.Element {
  const [collapsed, toggle] = useSidebarCollapsed()
  return (
    <div className={`shell${collapsed ? ' collapsed' : ''}`}>
      <aside className="sidebar">
        <div className="brand">
          <LogoMark />
          <span className="brand-name">Layerscope</span>
        </div>
        <nav aria-label="Main">
          {nav.map((n) => (
            <button
              key={n.id}
              type="button"
              className={`nav-item${n.active ? ' active' : ''}`}
              aria-current={n.active ? 'page' : undefined}
              onClick={n.onSelect}
              title={collapsed ? n.label : undefined}
              aria-label={n.label}
              data-testid={`nav-${n.id}`}
            >
              <span className="nav-icon" aria-hidden>
                {n.icon}
              </span>
              <span className="nav-label">{n.label}</span>
            </button>
          ))}
        </nav>
        <div className="sidebar-foot">
          {!collapsed && footer}
          <button
            type="button"
            className="nav-item sidebar-toggle"
            onClick={toggle}
            aria-expanded={!collapsed}
            aria-label={collapsed ? 'Expand the sidebar' : 'Collapse the sidebar'}
            title={collapsed ? 'Expand the sidebar' : 'Collapse the sidebar'}
            data-testid="sidebar-toggle"
          >
            <span className="nav-icon" aria-hidden>
              {collapsed ? '»' : '«'}
            </span>
            <span className="nav-label">Collapse</span>
          </button>
        </div>
      </aside>
      <div className="main">
        {topRight && <div className="topbar">{topRight}</div>}
        <div className="screen">{children}</div>
      </div>
    </div>
  )
}

function LogoMark(): React.JSX.Element {
  return (
    <svg width="20" height="20" viewBox="0 0 20 20" aria-hidden>
      <rect x="2" y="11" width="16" height="6" rx="1.5" fill="var(--accent)" opacity="0.45" />
      <rect x="2" y="6.5" width="16" height="4" rx="1.5" fill="var(--accent)" opacity="0.7" />
      <rect x="2" y="3" width="10" height="3" rx="1.2" fill="var(--accent)" />
    </svg>
  )
}

/** Tiny line icons for the nav (kept inline: no icon font, CSP-safe). */
export const Icons = {
  images: (
    <svg width="16" height="16" viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth="1.4">
      <rect x="2" y="9" width="12" height="4.5" rx="1" />
      <rect x="2" y="2.5" width="12" height="4.5" rx="1" />
    </svg>
  ),
  compare: (
    <svg width="16" height="16" viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth="1.4">
      <rect x="1.5" y="3" width="5.5" height="10" rx="1" />
      <rect x="9" y="3" width="5.5" height="10" rx="1" />
    </svg>
  ),
  dockerfile: (
    <svg width="16" height="16" viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth="1.4">
      <path d="M4 1.5h5.5L13 5v9.5H4z" />
      <path d="M6 8h5M6 10.5h5M6 5.5h2" />
    </svg>
  )
}

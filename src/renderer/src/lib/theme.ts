// The theme in use: the user's choice, or the system's (prefers-color-scheme) by default.
// The CSS colour variables are generated from src/shared/theme.ts and installed once, before
// the first render (App imports this module): the shell only switches html[data-theme].
import { useEffect, useState } from 'react'
import { THEMES, themeCss, type Theme } from '../../../shared/theme'
import { useApp } from '../stores'

const query = '(prefers-color-scheme: dark)'
const STYLE_ID = 'layerscope-theme'

/** Adds the generated stylesheet to the document (idempotent). */
export function installThemeCss(doc: Document | undefined = globalThis.document): void {
  if (!doc || doc.getElementById(STYLE_ID)) return
  const el = doc.createElement('style')
  el.id = STYLE_ID
  el.textContent = themeCss()
  doc.head.prepend(el)
}
installThemeCss()

export function useSystemDark(): boolean {
  const [dark, setDark] = useState(() => globalThis.matchMedia?.(query).matches ?? false)
  useEffect(() => {
    const mq = globalThis.matchMedia?.(query)
    if (!mq) return
    const on = (e: MediaQueryListEvent): void => setDark(e.matches)
    mq.addEventListener('change', on)
    return () => mq.removeEventListener('change', on)
  }, [])
  return dark
}

export function useResolvedTheme(): 'light' | 'dark' {
  const choice = useApp((s) => s.settings.theme)
  const systemDark = useSystemDark()
  return choice === 'system' ? (systemDark ? 'dark' : 'light') : choice
}

/** The colours of the theme in use, for charts and drawings that need values, not variables. */
export function useThemeColors(): Theme {
  return THEMES[useResolvedTheme()]
}

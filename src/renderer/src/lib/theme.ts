// The theme in use: the user's choice, or the system's (prefers-color-scheme) by default.
import { useEffect, useState } from 'react'
import { useApp } from '../stores'

const query = '(prefers-color-scheme: dark)'

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

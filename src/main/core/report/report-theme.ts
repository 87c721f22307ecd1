// The app's colours (src/renderer/src/styles.css) for the static report, light and dark.
import type { ReportTheme } from '../../../shared/models/report'

export interface Palette {
  bg: string
  panel: string
  text: string
  muted: string
  border: string
  track: string
  accent: string
  base: string
  added: string
  changed: string
  deleted: string
  onlyA: string
  onlyB: string
}

export const PALETTES: Record<ReportTheme, Palette> = {
  light: {
    bg: '#f5f6f8',
    panel: '#ffffff',
    text: '#1d2330',
    muted: '#667085',
    border: '#e3e6eb',
    track: '#eef0f3',
    accent: '#2f6fed',
    base: '#a9b4c6',
    added: '#2e9e5b',
    changed: '#c98a0f',
    deleted: '#d6453d',
    onlyA: '#7b61ff',
    onlyB: '#14a3a3'
  },
  dark: {
    bg: '#121418',
    panel: '#1a1d23',
    text: '#e6e9ef',
    muted: '#98a2b3',
    border: '#2a2f38',
    track: '#232830',
    accent: '#6a9bff',
    base: '#5a667d',
    added: '#4cc27e',
    changed: '#e0b04a',
    deleted: '#f07068',
    onlyA: '#9985ff',
    onlyB: '#22b8b8'
  }
}

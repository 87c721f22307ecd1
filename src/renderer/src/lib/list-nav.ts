// Keyboard movement in lists and trees, shared by the image list, the layer table and the
// file tree so the keys behave the same everywhere.

export type NavKey = 'ArrowUp' | 'ArrowDown' | 'Home' | 'End' | 'PageUp' | 'PageDown'

/** Next index for a key in a list of `count` rows (-1 = nothing selected yet). */
export function moveIndex(current: number, count: number, key: string, pageSize = 10): number | null {
  if (count <= 0) return null
  const last = count - 1
  switch (key) {
    case 'ArrowDown':
      return current < 0 ? 0 : Math.min(last, current + 1)
    case 'ArrowUp':
      return current < 0 ? 0 : Math.max(0, current - 1)
    case 'Home':
      return 0
    case 'End':
      return last
    case 'PageDown':
      return Math.min(last, Math.max(0, current) + pageSize)
    case 'PageUp':
      return Math.max(0, current - pageSize)
    default:
      return null
  }
}

/** True when a key event comes from a text field (typing must not move the selection). */
export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null
  if (!el || !el.tagName) return false
  return el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable
}

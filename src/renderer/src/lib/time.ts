// Relative times as `docker images` prints them ("3 days ago"), exact time in a tooltip.

const UNITS: [number, string][] = [
  [365 * 24 * 3600, 'year'],
  [30 * 24 * 3600, 'month'],
  [7 * 24 * 3600, 'week'],
  [24 * 3600, 'day'],
  [3600, 'hour'],
  [60, 'minute']
]

export function formatRelative(iso: string | undefined, now: number = Date.now()): string {
  if (!iso) return '–'
  const t = Date.parse(iso)
  if (!Number.isFinite(t)) return '–'
  const s = Math.round((now - t) / 1000)
  if (s < 0) return 'in the future'
  if (s < 60) return 'just now'
  for (const [len, name] of UNITS) {
    if (s >= len) {
      const n = Math.floor(s / len)
      return `${n} ${name}${n === 1 ? '' : 's'} ago`
    }
  }
  return 'just now'
}

/** "2026-11-27 03:12:45 UTC" — unambiguous, for tooltips. */
export function formatTimestamp(iso: string | undefined): string {
  if (!iso) return 'unknown'
  const d = new Date(iso)
  if (!Number.isFinite(d.getTime())) return iso
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')
}

/** "12.3 MB/s" style rate from bytes and milliseconds. */
export function ratePerSecond(bytes: number, ms: number): number {
  return ms > 0 ? (bytes * 1000) / ms : 0
}

// Small typed localStorage helpers: remembered views and layout survive a reload, and a
// broken or foreign value never breaks the app (we fall back to the default).

const PREFIX = 'layerscope:'

export function loadJson<T>(name: string, fallback: T, valid?: (v: unknown) => v is T): T {
  try {
    const raw = globalThis.localStorage?.getItem(PREFIX + name)
    if (raw == null) return fallback
    const v: unknown = JSON.parse(raw)
    if (valid && !valid(v)) return fallback
    return v as T
  } catch {
    return fallback
  }
}

export function saveJson(name: string, value: unknown): void {
  try {
    globalThis.localStorage?.setItem(PREFIX + name, JSON.stringify(value))
  } catch {
    // Storage full or disabled: remembering is a convenience, not a requirement.
  }
}

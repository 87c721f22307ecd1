// Recently opened registry references, newest first, remembered across reloads.
import { loadJson, saveJson } from '../../lib/persist'

const KEY = 'registry-recent'
const MAX = 10

const isList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string')

export function recentRefs(): string[] {
  return loadJson<string[]>(KEY, [], isList)
}

export function rememberRef(ref: string): string[] {
  const next = [ref, ...recentRefs().filter((r) => r !== ref)].slice(0, MAX)
  saveJson(KEY, next)
  return next
}

/** What the user typed -> the source's ref: `registry://` is optional in the field. */
export function refFromInput(input: string): string {
  const s = input.trim()
  return s.toLowerCase().startsWith('registry://') ? s.slice('registry://'.length) : s
}

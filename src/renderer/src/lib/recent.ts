// The images and archives opened lately, newest first, remembered in localStorage (the desktop
// front also tells the OS, for its own recent-documents list).
import type { ImageSource } from '../../../shared/models/analysis'
import { sourceId } from '../../../shared/image-source'
import { loadJson, saveJson } from './persist'

export interface RecentImage {
  source: ImageSource
  name: string
}

const KEY = 'recent'
const MAX = 8

function isRecentList(v: unknown): v is RecentImage[] {
  return Array.isArray(v) && v.every((r) => typeof r === 'object' && r !== null && typeof (r as RecentImage).name === 'string' && typeof (r as RecentImage).source === 'object')
}

export function recentImages(): RecentImage[] {
  return loadJson<RecentImage[]>(KEY, [], isRecentList)
}

export function rememberImage(source: ImageSource, name: string): RecentImage[] {
  const id = sourceId(source)
  const list = [{ source, name }, ...recentImages().filter((r) => sourceId(r.source) !== id)].slice(0, MAX)
  saveJson(KEY, list)
  return list
}

export function forgetRecent(): void {
  saveJson(KEY, [])
}

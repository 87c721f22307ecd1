// The app's settings on disk: settings.json in the app's data folder, read with the shared
// schema (a file someone edited by hand gets the same checks as a request) and written whole
// through the fsync-before-rename helper, so a crash never leaves half a file.
import { readFileSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { DEFAULT_SETTINGS, appSettings, type AppSettings } from '../../../shared/schemas/settings'
import { LayerscopeError } from '../errors'
import { writeFileAtomic } from '../report/atomic-write'

/** Larger than any valid settings file (64 hosts of at most a few hundred characters). */
const MAX_FILE_BYTES = 256 * 1024

export class SettingsFile {
  constructor(readonly path: string) {}

  /** The saved settings; the defaults when there is no file yet. A broken file is refused by name. (Sync: a few hundred bytes, read once per process.) */
  read(): AppSettings {
    let text: string
    try {
      const buf = readFileSync(this.path)
      if (buf.length > MAX_FILE_BYTES) throw new LayerscopeError('INVALID_INPUT', `${this.path} is ${buf.length} bytes, more than settings can be: remove it and set the settings again.`)
      text = buf.toString('utf8')
    } catch (e) {
      if (e instanceof LayerscopeError) throw e
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { ...DEFAULT_SETTINGS }
      throw new LayerscopeError('IO_ERROR', `Cannot read the settings ${this.path}: ${(e as Error).message}`)
    }
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      throw new LayerscopeError('INVALID_INPUT', `The settings file ${this.path} is not JSON: fix it, or remove it to start from the defaults.`)
    }
    const parsed = appSettings.partial().safeParse(json)
    if (!parsed.success) {
      throw new LayerscopeError('INVALID_INPUT', `The settings file ${this.path} is not valid (${parsed.error.issues[0]?.message ?? 'unexpected shape'}): fix it, or remove it to start from the defaults.`)
    }
    return { ...DEFAULT_SETTINGS, ...parsed.data }
  }

  async write(settings: AppSettings): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true }).catch((e: unknown) => {
      throw new LayerscopeError('IO_ERROR', `Cannot create the folder of ${this.path}: ${(e as Error).message}`)
    })
    const valid = appSettings.safeParse(settings)
    if (!valid.success) throw new LayerscopeError('INVALID_INPUT', valid.error.issues[0]?.message ?? 'The settings are not valid.')
    await writeFileAtomic(this.path, JSON.stringify(valid.data, null, 2) + '\n')
  }
}

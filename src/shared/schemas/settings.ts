// The app's settings kept by the backend (settings.json in the app's data folder), and the
// requests of the settings channels. Only what the backend itself must know lives here; view
// preferences (theme, sort) stay in the renderer.
import { z } from 'zod'
import { registryHostProblem } from '../registry-host'
import { noRequest } from './fields'

/** Most hosts one setting holds (a bound on what the file and every request carry). */
export const MAX_INSECURE_REGISTRIES = 64

/** One registry host, trimmed and lower-cased (host names are case-insensitive). */
const registryHost = z
  .string({ error: 'Each insecure registry must be a host written HOST or HOST:PORT.' })
  .superRefine((s, ctx) => {
    const problem = registryHostProblem(s)
    if (problem) ctx.addIssue({ code: 'custom', message: problem })
  })
  .transform((s) => s.trim().toLowerCase())

const insecureRegistries = z
  .array(registryHost, { error: 'insecureRegistries must be a list of registry hosts (HOST or HOST:PORT).' })
  .max(MAX_INSECURE_REGISTRIES, { error: `At most ${MAX_INSECURE_REGISTRIES} registries can be allowed plain HTTP.` })
  .transform((hosts) => [...new Set(hosts)])

/** The settings as settings.json holds them and settings:get answers them. */
export const appSettings = z.object({
  /** Registries (HOST[:PORT]) allowed plain HTTP and unverified TLS, as docker's --insecure-registry. Loopback ones always may. */
  insecureRegistries
})
export type AppSettings = z.output<typeof appSettings>

export const DEFAULT_SETTINGS: AppSettings = { insecureRegistries: [] }

export const SETTINGS_REQUESTS = {
  'settings:get': noRequest,
  /** Replaces the settings given (the others stay as they are); answers the settings now in force. */
  'settings:set': z.object({ insecureRegistries: insecureRegistries.optional() })
} as const

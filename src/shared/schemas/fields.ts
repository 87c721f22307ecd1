// Field schemas every channel's request is built from. Each carries its own message, in words a
// person can act on ("limit must be a whole number from 1 to 10,000."): the dispatcher shows
// the first message of a refused request as it is.
import { z } from 'zod'

const grouped = (n: number): string => n.toLocaleString('en-US')

/** A whole number within [min, max]; optional, with an optional default. */
export function wholeNumber(name: string, min: number, max: number): z.ZodNumber {
  const error = `${name} must be a whole number from ${grouped(min)} to ${grouped(max)}.`
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error })
}

/** A non-empty string; `what` says what it names ("the analysis key compare:open returned"). */
export function text(name: string, what: string): z.ZodString {
  return nonBlank(`${name} must be ${what}.`)
}

/** A string with more than white space in it; `error` is the whole message. */
function nonBlank(error: string): z.ZodString {
  return z.string({ error }).refine((s) => s.trim() !== '', { error })
}

export const noRequest = z.object({})

export const jobId = z.string({ error: 'jobId must be a string chosen by the caller (progress events and job:cancel use it).' }).min(1, {
  error: 'jobId must be a string chosen by the caller (progress events and job:cancel use it).'
})

// Same wording as the archive reader's own check (core/archive/oci.ts parsePlatform).
const platformError = (iss: { input?: unknown }): string => `platform must be written os/arch[/variant], e.g. linux/amd64 (got ${JSON.stringify(iss.input)}).`
const platform = z.string({ error: platformError }).regex(/^[a-z0-9_.-]+\/[a-z0-9_.-]+(\/[a-z0-9_.-]+)?$/i, { error: platformError })

/**
 * Where an image comes from; `name` and `missing` word the message for the side it is. With
 * `blank`, an empty ref or path says that message (a compare side left empty is a missing side).
 */
export function imageSource(name: string, missing: string, blank?: string) {
  const field = (key: string, what: string): z.ZodString => (blank ? nonBlank(blank) : text(`${name}.${key}`, what))
  return z.discriminatedUnion(
    'kind',
    [
      z.object({ kind: z.literal('engine'), ref: field('ref', 'an image reference such as "myapp:1.0" or an image id'), platform: platform.optional() }),
      z.object({ kind: z.literal('archive'), path: field('path', 'the path of an image archive (.tar, .tar.gz) or an OCI layout folder'), platform: platform.optional() }),
      z.object({ kind: z.literal('registry'), ref: field('ref', 'a registry reference HOST[:PORT]/REPO[:TAG|@DIGEST]'), platform: platform.optional() })
    ],
    { error: missing }
  )
}

export const analyzeOptions = z
  .object({
    noCache: z.boolean({ error: 'options.noCache must be true or false.' }).optional(),
    platform: platform.optional()
  }, { error: 'options must be an object like { noCache: true, platform: "linux/amd64" }.' })
  .optional()

export const treeScope = z.object(
  {
    key: text('scope.key', 'the key of an open analysis (analysis:open returned it)'),
    layer: wholeNumber('scope.layer', 0, 1_000_000).nullable().optional().transform((v) => v ?? null),
    mode: z.enum(['layer', 'stacked'], { error: 'scope.mode must be "layer" or "stacked".' })
  },
  { error: 'scope must name an open analysis: { key, layer, mode }.' }
)

/** A path in an image's filesystem; absent or empty means the root. */
export const fsPath = z
  .string({ error: 'path must be a path in the image, like "/usr/lib".' })
  .optional()
  .transform((p) => (p === undefined || p === '' ? '/' : p))

export const buildArgs = z
  .record(z.string(), z.string({ error: 'buildArgs must map names to string values.' }), { error: 'buildArgs must map names to string values.' })
  .optional()

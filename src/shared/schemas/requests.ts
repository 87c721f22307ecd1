// One schema per channel request: the dispatcher validates every call with these before a
// handler runs, and the contract's request types are derived from them (see ../api.ts).
import { z } from 'zod'
import { issueWords } from '../zod-words'
import { analyzeOptions, buildArgs, fsPath, imageSource, jobId, noRequest, text, treeScope, wholeNumber } from './fields'
import { HISTORY_REQUESTS } from './history'
import { reportOptionFields } from './report'
import { SETTINGS_REQUESTS } from './settings'

const sourceMessage = 'source must be { kind: "engine", ref }, { kind: "archive", path } or { kind: "registry", ref }.'
const sideMessage = (side: 'A' | 'B'): string =>
  `Side ${side} is missing: give an image reference ({ kind: 'engine', ref }), an archive path ({ kind: 'archive', path }) or a registry reference ({ kind: 'registry', ref }).`
const analysisKey = (name: string): z.ZodString => text(name, 'the key of an open analysis (analysis:open returned it)')

const filtersError = 'images:list filters must look like { "reference": ["myapp:*"] }.'
const filters = z
  .record(z.string(), z.array(z.string({ error: filtersError }), { error: filtersError }), { error: filtersError })
  .nullable()
  .optional()
  .transform((f) => f ?? undefined)

const dockerfilePath = text('path', 'the path of a Dockerfile or of the folder holding it')
const dockerfileTarget = z.string({ error: 'target must be the name of a stage in the Dockerfile.' }).optional()
const contextDir = z.string({ error: 'contextDir must be the path of the build context folder.' }).optional()

const reportRequest = z.object({
  a: text('a (the analysis key of the image to report on)', 'given'),
  b: text('b', 'the analysis key of the second image, or left out').optional(),
  dockerfile: text('dockerfile', 'the path of a Dockerfile, or left out').optional(),
  ...reportOptionFields
})

const compareKeys = {
  aKey: text('aKey', 'the key compare:open returned for side A'),
  bKey: text('bKey', 'the key compare:open returned for side B'),
  path: fsPath
}

export const REQUESTS = {
  'app:info': noRequest,
  'engine:status': noRequest,
  /**
   * all: also intermediate images (`docker images -a`); filters: the engine's image filters as
   * `docker images --filter` takes them, e.g. { reference: ['myapp:*'], dangling: ['true'] }.
   */
  'images:list': z.object({ all: z.boolean({ error: 'all must be true or false.' }).optional(), filters }),
  'images:samples': noRequest,
  'dialog:open': z.object({ kind: z.enum(['archive', 'dockerfile', 'directory'], { error: 'kind must be "archive", "dockerfile" or "directory".' }) }),
  'job:cancel': z.object({ jobId }),

  'analysis:open': z.object({ jobId: jobId.optional(), source: imageSource('source', sourceMessage), options: analyzeOptions }),
  'analysis:tree': z.object({
    scope: treeScope,
    path: fsPath,
    sort: z.enum(['size', 'name'], { error: 'sort must be "size" or "name".' }).default('size'),
    offset: wholeNumber('offset', 0, 1_000_000_000).default(0),
    limit: wholeNumber('limit', 1, 10_000).default(200)
  }),
  'analysis:search': z.object({
    scope: treeScope,
    query: z.string({ error: 'query must be the text to look for in paths.' }),
    limit: wholeNumber('limit', 1, 10_000).default(200)
  }),
  'analysis:treemap': z.object({
    scope: treeScope,
    path: fsPath,
    depth: wholeNumber('depth', 0, 12).default(2),
    maxNodes: wholeNumber('maxNodes', 1, 20_000).default(500)
  }),
  'analysis:waste': z.object({
    key: analysisKey('key'),
    offset: wholeNumber('offset', 0, 1_000_000_000).default(0),
    limit: wholeNumber('limit', 1, 10_000).default(100)
  }),
  /**
   * One layer's own entries (its tar as read) while its analysis job is still running; pages
   * like analysis:tree. Answers NOT_FOUND once the job has finished (then use analysis:tree).
   * `job` is the jobId of that analysis:open (not `jobId`: this request is no job of its own).
   */
  'analysis:layer': z.object({
    job: text('job', 'the jobId of an analysis:open that is still running'),
    layer: wholeNumber('layer', 0, 1_000_000),
    path: fsPath,
    sort: z.enum(['size', 'name'], { error: 'sort must be "size" or "name".' }).default('size'),
    offset: wholeNumber('offset', 0, 1_000_000_000).default(0),
    limit: wholeNumber('limit', 1, 10_000).default(200)
  }),
  'cache:info': noRequest,
  'cache:clear': noRequest,

  'compare:open': z.object({
    jobId: jobId.optional(),
    a: imageSource('a', sideMessage('A'), sideMessage('A')),
    b: imageSource('b', sideMessage('B'), sideMessage('B')),
    options: analyzeOptions
  }),
  'compare:contributors': z.object({ ...compareKeys, limit: wholeNumber('limit', 1, 10_000).optional() }),
  'compare:treemap': z.object({ ...compareKeys, depth: wholeNumber('depth', 1, 12).optional(), maxNodes: wholeNumber('maxNodes', 8, 5000).optional() }),

  'dockerfile:open': z.object({ path: dockerfilePath, contextDir, target: dockerfileTarget, buildArgs }),
  'dockerfile:build': z.object({
    jobId: jobId.optional(),
    path: dockerfilePath,
    contextDir,
    target: dockerfileTarget,
    buildArgs,
    /** Keep the stage images (labelled org.layerscope.stage-build=1) instead of removing them. */
    keepImages: z.boolean({ error: 'keepImages must be true or false.' }).optional()
  }),
  'dockerfile:links': z.object({
    path: dockerfilePath,
    imageKey: text('imageKey', 'the image to link: an analysis key or an image reference'),
    target: dockerfileTarget,
    buildArgs
  }),

  'report:render': reportRequest,
  /** Desktop app only: renders the report and writes it where the user picks in the native save dialog. */
  'report:save': reportRequest,
  /** Desktop app only: renders the report as PNG and puts the picture on the clipboard. */
  'report:copy': reportRequest,

  'registry:tags': z.object({ ref: text('ref', 'a registry repository, registry://HOST[:PORT]/REPO') }),

  ...HISTORY_REQUESTS,
  ...SETTINGS_REQUESTS
} as const

export type RequestSchemas = typeof REQUESTS
/** What a caller sends (defaults may be left out). */
export type RequestIn<C extends keyof RequestSchemas> = z.input<RequestSchemas[C]>
/** What a handler receives: validated, defaults filled in. */
export type RequestOut<C extends keyof RequestSchemas> = z.output<RequestSchemas[C]>

/**
 * The first problem of a refused request, as one sentence naming the field. Every field schema
 * words its own message; anything else (an unexpected shape) is named by its path.
 */
export function describeIssue(channel: string, error: z.ZodError): string {
  const issue = error.issues[0]
  if (!issue) return `The request for ${channel} is not valid.`
  const path = issue.path.map(String).join('.')
  // Zod's own wording ("Invalid input: expected ...") is replaced only where no field schema gave one.
  if (/^Invalid input|^Invalid option|^Too (small|big)|^Unrecognized/.test(issue.message)) {
    const words = issueWords(issue)
    return `${path || 'The request'} is not valid for ${channel}: ${words.charAt(0).toLowerCase()}${words.slice(1)}.`
  }
  return issue.message
}

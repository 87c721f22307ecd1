// Schemas of what image archives and registries hand us: OCI descriptors, manifests, indexes,
// image configs (Docker schema2 manifests and lists share the OCI shapes), and docker-archive
// manifest.json. Unknown fields are kept (configs carry more than we read). A value that does
// not fit is ARCHIVE_INVALID naming the field, never a TypeError later. Exported for the
// registry client, which reads the same documents.
import { z } from 'zod'
import { issueWords } from '../../../shared/zod-words'
import { LayerscopeError } from '../errors'

/** OCI image-spec digest grammar: algorithm ":" encoded (isBlobDigest checks the encoding). */
export const Digest = z.string().regex(/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/, 'is not a digest (algorithm:encoded)')

/** A digest Layerscope can find and verify a blob by: sha256 (64 hex) or sha512 (128 hex). */
export function isBlobDigest(d: string): boolean {
  return /^sha256:[a-f0-9]{64}$/.test(d) || /^sha512:[a-f0-9]{128}$/.test(d)
}

export const Platform = z.looseObject({
  os: z.string(),
  architecture: z.string(),
  variant: z.string().optional(),
  'os.version': z.string().optional(),
  'os.features': z.array(z.string()).optional()
})

export const Descriptor = z.looseObject({
  mediaType: z.string().optional(),
  digest: Digest,
  size: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
  platform: Platform.optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  urls: z.array(z.string()).optional(),
  artifactType: z.string().optional()
})

export const Manifest = z.looseObject({
  schemaVersion: z.number().int().optional(),
  mediaType: z.string().optional(),
  config: Descriptor,
  layers: z.array(Descriptor),
  annotations: z.record(z.string(), z.string()).optional()
})

export const Index = z.looseObject({
  schemaVersion: z.number().int().optional(),
  mediaType: z.string().optional(),
  manifests: z.array(Descriptor),
  annotations: z.record(z.string(), z.string()).optional()
})

/** A manifest or an index (index.json, or a blob a descriptor points at). */
export const ManifestOrIndex = z.union([Manifest, Index])

const HistoryItem = z.looseObject({
  created: z.string().optional(),
  created_by: z.string().optional(),
  comment: z.string().optional(),
  empty_layer: z.boolean().optional(),
  author: z.string().optional()
})

export const ImageConfigSchema = z.looseObject({
  architecture: z.string().optional(),
  os: z.string().optional(),
  variant: z.string().optional(),
  created: z.string().optional(),
  config: z
    .looseObject({
      Labels: z.record(z.string(), z.string()).nullable().optional(),
      User: z.string().optional(),
      Env: z.array(z.string()).nullable().optional()
    })
    .nullable()
    .optional(),
  rootfs: z.looseObject({ type: z.string(), diff_ids: z.array(Digest) }),
  history: z.array(HistoryItem).optional()
})

/** docker-archive manifest.json: one item per image. */
export const LegacyManifest = z
  .array(
    z.looseObject({
      Config: z.string(),
      RepoTags: z.array(z.string()).nullable().optional(),
      Layers: z.array(z.string())
    })
  )
  .min(1, 'lists no image')

export type OciDescriptor = z.infer<typeof Descriptor>
export type OciManifest = z.infer<typeof Manifest>
export type OciIndex = z.infer<typeof Index>
export type LegacyManifestItem = z.infer<typeof LegacyManifest>[number]

/** "layers[2].digest" from a zod issue path. */
function fieldName(path: ReadonlyArray<PropertyKey>): string {
  let s = ''
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${String(p)}` : String(p)
  return s || '(the document itself)'
}

/**
 * Parses `value` or throws ARCHIVE_INVALID: "<where>: <what> is not valid: layers[2].digest
 * is not a digest". Unions report the branch that got furthest.
 */
export function parseDoc<T extends z.ZodType>(schema: T, value: unknown, where: string, what: string): z.infer<T> {
  // reportInput lets the words tell a missing field from a wrong one (the input is referenced, not copied).
  const r = schema.safeParse(value, { reportInput: true })
  if (r.success) return r.data
  let issue = r.error.issues[0]!
  // A union lists each branch's issues; show the deepest one, it names the real field.
  if (issue.code === 'invalid_union' && 'errors' in issue) {
    const branches = (issue as { errors: z.core.$ZodIssue[][] }).errors.flat()
    const deepest = branches.sort((a, b) => b.path.length - a.path.length)[0]
    if (deepest) issue = { ...deepest, path: [...issue.path, ...deepest.path] }
  }
  const field = fieldName(issue.path)
  throw new LayerscopeError('ARCHIVE_INVALID', `${where}: ${what} is not valid: ${field} ${issueWords(issue)}.`, { field })
}

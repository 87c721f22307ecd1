// Reference helpers every front shares: the parts of an image reference as it is written.

/**
 * The repository of a reference (no tag, no digest) and its tag: "host:5000/team/app:1.4" ->
 * host:5000/team/app and 1.4. A port is not a tag (the tag comes after the last "/").
 */
export function repositoryOf(ref: string): { repository: string; tag?: string } {
  const noDigest = ref.split('@')[0]!
  const slash = noDigest.lastIndexOf('/')
  const colon = noDigest.lastIndexOf(':')
  return colon > slash ? { repository: noDigest.slice(0, colon), tag: noDigest.slice(colon + 1) } : { repository: noDigest }
}

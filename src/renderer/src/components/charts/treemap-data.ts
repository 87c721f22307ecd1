// Recharts treemap data from a byte tree: two levels (blocks and their tiles), zero-byte
// entries left out (they have no area), each tile knowing its block for colour and clicks.

export interface ByteTreemapNode {
  name: string
  path: string
  bytes: number
  kind?: string
  children?: ByteTreemapNode[]
  /** For aggregates: how many entries the tile stands for. */
  count?: number
}

export interface Datum {
  [k: string]: unknown
  name: string
  size: number
  node: ByteTreemapNode
  top: ByteTreemapNode
  topIndex: number
  children?: Datum[]
}

export function toTreemapData(root: ByteTreemapNode): Datum[] {
  return (root.children ?? [])
    .filter((c) => c.bytes > 0)
    .map((top, topIndex) => {
      const kids = (top.children ?? []).filter((k) => k.bytes > 0)
      return {
        name: top.name,
        size: top.bytes,
        node: top,
        top,
        topIndex,
        ...(kids.length > 0 ? { children: kids.map((k) => ({ name: k.name, size: k.bytes, node: k, top, topIndex })) } : {})
      }
    })
}


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

/** `area` sizes a block (default: its bytes; a layer's changes also give deleted bytes room). */
export function toTreemapData<N extends ByteTreemapNode>(root: N, area: (n: N) => number = (n) => n.bytes): Datum[] {
  return ((root.children ?? []) as N[])
    .filter((c) => area(c) > 0)
    .map((top, topIndex) => {
      const kids = ((top.children ?? []) as N[]).filter((k) => area(k) > 0)
      return {
        name: top.name,
        size: area(top),
        node: top,
        top,
        topIndex,
        ...(kids.length > 0 ? { children: kids.map((k) => ({ name: k.name, size: area(k), node: k, top, topIndex })) } : {})
      }
    })
}


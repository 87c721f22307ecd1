// Markers for a file node: added / changed / deleted / whiteout / symlink / hard link / waste.
import { formatBytes } from '../../../../shared/format'
import type { FileNode, WasteReason } from '../../../../shared/models/analysis'

/** Why bytes count as wasted, as a person reads it. */
export function wasteText(reason: WasteReason, byLayerIndex: number): string {
  switch (reason) {
    case 'deleted':
      return `deleted in layer ${byLayerIndex}`
    case 'overwritten':
      return `overwritten in layer ${byLayerIndex}`
    case 'metadata-only':
      return `metadata-only copy in layer ${byLayerIndex}`
  }
}

/** `showChange`: added/changed markers mean something for one layer's changes, not in a stacked view. */
export function NodeMarkers({ node, showChange = true }: { node: FileNode; showChange?: boolean }): React.JSX.Element {
  return (
    <span className="markers">
      {node.whiteout && (
        <span className="mk mk-deleted" title="Whiteout: this layer deletes the path from the layers below" data-marker="whiteout">
          deleted
        </span>
      )}
      {!node.whiteout && node.change === 'deleted' && (
        <span className="mk mk-deleted" title="Deleted by this layer" data-marker="deleted">
          deleted
        </span>
      )}
      {showChange && node.change === 'added' && (
        <span className="mk mk-added" title="Added by this layer" data-marker="added">
          added
        </span>
      )}
      {showChange && node.change === 'changed' && (
        <span className="mk mk-changed" title="Replaces a path from a lower layer" data-marker="changed">
          changed
        </span>
      )}
      {node.opaque && (
        <span className="mk mk-muted" title="Opaque directory: hides everything below it from lower layers" data-marker="opaque">
          opaque
        </span>
      )}
      {node.kind === 'symlink' && (
        <span className="mk mk-link" title={`Symbolic link to ${node.linkTarget ?? '?'} (not followed)`} data-marker="symlink">
          → {node.linkTarget}
        </span>
      )}
      {node.kind === 'hardlink' && (
        <span className="mk mk-link" title={`Hard link to ${node.linkTarget ?? '?'} (size counted once, on the target)`} data-marker="hardlink">
          ⇒ {node.linkTarget}
        </span>
      )}
      {node.waste && (
        <span className="mk mk-waste" title={`${formatBytes(node.waste.bytes)} wasted: ${wasteText(node.waste.reason, node.waste.byLayerIndex)}`} data-marker="waste">
          wasted · {wasteText(node.waste.reason, node.waste.byLayerIndex)}
        </span>
      )}
    </span>
  )
}

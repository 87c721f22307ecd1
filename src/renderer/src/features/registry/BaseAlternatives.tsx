// Slimmer bases, measured: the base's download size next to its -slim / -alpine siblings',
// read from the registry's manifests (shown only when the base comes from a registry).
import type { BaseAlternatives as Alternatives } from '../../../../shared/models/analysis'
import { formatBytes, formatDelta, formatExactBytes } from '../../../../shared/format'

export function BaseAlternatives({ alt }: { alt: Alternatives }): React.JSX.Element {
  return (
    <div className="waste-summary sv-summary" data-testid="base-alternatives">
      <span>
        Base <span className="mono">{alt.base}</span> downloads <strong className="num" title={formatExactBytes(alt.downloadSize)}>{formatBytes(alt.downloadSize)}</strong>
        {alt.siblings.length === 0 ? ' (its repository has no -slim or -alpine tag).' : '; its slimmer tags, measured from their manifests:'}
      </span>
      {alt.siblings.length > 0 && (
        <ul className="sv-list">
          {alt.siblings.map((s) => (
            <li key={s.tag} className="mono" title={`${s.ref}: ${formatExactBytes(s.downloadSize)} (layer blobs + config)`}>
              {s.tag}: {formatBytes(s.downloadSize)} ({formatDelta(-s.savesBytes)} download)
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}

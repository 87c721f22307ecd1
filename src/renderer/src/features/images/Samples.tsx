// The bundled sample archives: something real to look at without an engine.
import { formatBytes } from '../../../../shared/format'
import { Spinner } from '../../components/States'
import { useApp } from '../../stores'

export function SampleArchives(): React.JSX.Element {
  const samples = useApp((s) => s.samples)
  const error = useApp((s) => s.samplesError)
  const openImage = useApp((s) => s.openImage)
  if (error) return <div className="muted">Sample archives are not available: {error.message}</div>
  if (!samples) return <Spinner label="Looking for sample archives…" />
  if (samples.length === 0) return <div className="muted">No sample archives are bundled with this build.</div>
  return (
    <div className="samples" data-testid="samples">
      {samples.map((s) => (
        <button key={s.path} type="button" className="sample-card" onClick={() => void openImage({ kind: 'archive', path: s.path }, s.title)} title={s.path}>
          <span className="sample-title">{s.title}</span>
          <span className="sample-desc muted">{s.description}</span>
          <span className="sample-size num muted">{formatBytes(s.fileBytes)} archive</span>
        </button>
      ))}
    </div>
  )
}

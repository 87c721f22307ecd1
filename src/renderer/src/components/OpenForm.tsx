// The one "open an image by what you type" form: a field, the dialog's own buttons, Open, and
// below them the error or a hint. "Open archive…" and "Open from registry…" are both this.
import type { ReactNode } from 'react'
import { Button } from './Button'

export interface OpenFormProps {
  value: string
  onChange: (value: string) => void
  onSubmit: () => void
  placeholder: string
  label: string
  testId: string
  autoFocus?: boolean
  /** The id of a <datalist> of suggestions (given among the children). */
  list?: string
  compact?: boolean
  /** Buttons between the field and Open (Browse…, Tags). */
  children?: ReactNode
  openTestId?: string
  error: string | null
  /** The line under the form; the caller says whether it shows beside an error. */
  hint?: ReactNode
}

export function OpenForm(p: OpenFormProps): React.JSX.Element {
  return (
    <form
      className={`open-archive${p.compact ? ' compact' : ''}`}
      onSubmit={(e) => {
        e.preventDefault()
        p.onSubmit()
      }}
    >
      <input
        type="text"
        className="input mono"
        list={p.list}
        placeholder={p.placeholder}
        value={p.value}
        autoFocus={p.autoFocus}
        onChange={(e) => p.onChange(e.target.value)}
        aria-label={p.label}
        data-testid={p.testId}
      />
      {p.children}
      <Button type="submit" variant="primary" data-testid={p.openTestId}>
        Open
      </Button>
      {p.error && <div className="form-error">{p.error}</div>}
      {p.hint && <div className="hint muted">{p.hint}</div>}
    </form>
  )
}

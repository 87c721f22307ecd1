// A byte figure that says what it is: human size in the cell, exact bytes on hover.
// One size format on every screen: decimal units with docker's precision and a space ("7.05 MB").
import { formatBytes, formatExactBytes } from '../../../shared/format'

export interface BytesProps {
  value: number
  /** What the figure is, prepended to the tooltip ("Size as docker images shows it"). */
  what?: string
  className?: string
}

export function Bytes({ value, what, className }: BytesProps): React.JSX.Element {
  const exact = formatExactBytes(value)
  return (
    <span className={['num', className].filter(Boolean).join(' ')} title={what ? `${what}: ${exact}` : exact} data-bytes={value}>
      {formatBytes(value)}
    </span>
  )
}

// A byte figure that says what it is: human size in the cell, exact bytes on hover.
import { formatBytes, formatDockerSize, formatExactBytes } from '../../../shared/format'

export interface BytesProps {
  value: number
  /** 'docker' prints exactly as `docker images` does ("7.05MB"); 'human' adds a space ("7.05 MB"). */
  style?: 'docker' | 'human'
  /** What the figure is, prepended to the tooltip ("Size as docker images shows it"). */
  what?: string
  className?: string
}

export function Bytes({ value, style = 'human', what, className }: BytesProps): React.JSX.Element {
  const text = style === 'docker' ? formatDockerSize(value) : formatBytes(value)
  const exact = formatExactBytes(value)
  return (
    <span className={['num', className].filter(Boolean).join(' ')} title={what ? `${what}: ${exact}` : exact} data-bytes={value}>
      {text}
    </span>
  )
}

// A hover/focus tooltip for rich content (several lines, figures). Plain strings use `title`.
import type { ReactNode } from 'react'

export function Tooltip({ content, children, placement = 'bottom' }: { content: ReactNode; children: ReactNode; placement?: 'top' | 'bottom' }): React.JSX.Element {
  return (
    <span className={`tip tip-${placement}`} tabIndex={0}>
      {children}
      <span className="tip-body" role="tooltip">
        {content}
      </span>
    </span>
  )
}

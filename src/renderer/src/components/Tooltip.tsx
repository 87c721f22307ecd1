// A hover tooltip for rich content (several lines, figures). Plain strings use `title`.
// Static text is no tab stop: the content is the wrapped text's description for screen
// readers instead (aria-describedby reads hidden content), and shows on hover or when
// something focusable inside has the focus.
import { useId, type ReactNode } from 'react'

export function Tooltip({ content, children, placement = 'bottom' }: { content: ReactNode; children: ReactNode; placement?: 'top' | 'bottom' }): React.JSX.Element {
  const id = useId()
  return (
    <span className={`tip tip-${placement}`} aria-describedby={id}>
      {children}
      <span className="tip-body" role="tooltip" id={id}>
        {content}
      </span>
    </span>
  )
}

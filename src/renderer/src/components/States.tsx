// Empty, error and loading states: each says what happened and what a person can do next.
import type { ReactNode } from 'react'
import type { ApiError } from '../../../shared/errors'

export interface EmptyStateProps {
  title: string
  children?: ReactNode
  actions?: ReactNode
  icon?: ReactNode
  testId?: string
}

export function EmptyState({ title, children, actions, icon, testId }: EmptyStateProps): React.JSX.Element {
  return (
    <div className="empty-state" data-testid={testId}>
      {icon && <div className="empty-icon" aria-hidden>{icon}</div>}
      <h2>{title}</h2>
      {children && <div className="empty-body">{children}</div>}
      {actions && <div className="empty-actions">{actions}</div>}
    </div>
  )
}

export interface ErrorBannerProps {
  error: ApiError | string
  title?: string
  actions?: ReactNode
  onDismiss?: () => void
}

export function ErrorBanner({ error, title, actions, onDismiss }: ErrorBannerProps): React.JSX.Element {
  const message = typeof error === 'string' ? error : error.message
  const code = typeof error === 'string' ? undefined : error.code
  return (
    <div className="error-banner" role="alert" data-code={code}>
      <div className="error-text">
        {title && <strong>{title}</strong>}
        <span>{message}</span>
      </div>
      <div className="error-actions">
        {actions}
        {onDismiss && (
          <button type="button" className="btn btn-ghost btn-sm" onClick={onDismiss} aria-label="Dismiss">
            ×
          </button>
        )}
      </div>
    </div>
  )
}

export function Spinner({ label }: { label?: string }): React.JSX.Element {
  return (
    <span className="spinner-wrap" role="status">
      <span className="spinner" aria-hidden />
      {label && <span className="muted">{label}</span>}
    </span>
  )
}

// STUB: the compare feature replaces this.
export function CompareScreen(): React.JSX.Element {
  return <div className="placeholder">Compare</div>
}

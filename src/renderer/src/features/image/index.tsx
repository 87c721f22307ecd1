// STUB: the image feature replaces this.
export function ImageScreen(): React.JSX.Element {
  return <div className="placeholder">Image</div>
}

// STUB: the images feature replaces this.
export function ImagesScreen(): React.JSX.Element {
  return <div className="placeholder">Images</div>
}

// STUB: the dockerfile feature replaces this.
export function DockerfileScreen(): React.JSX.Element {
  return <div className="placeholder">Dockerfile</div>
}

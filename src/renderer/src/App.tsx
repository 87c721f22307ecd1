// STUB: the app shell (issue 2/4 work) replaces this; each view renders its feature screen.
import { CompareScreen } from './features/compare'
import { DockerfileScreen } from './features/dockerfile'
import { ImageScreen } from './features/image'
import { ImagesScreen } from './features/images'
import { useApp } from './stores'

export function App(): React.JSX.Element {
  const view = useApp((s) => s.view)
  switch (view.name) {
    case 'images':
      return <ImagesScreen />
    case 'image':
      return <ImageScreen />
    case 'compare':
      return <CompareScreen />
    case 'dockerfile':
      return <DockerfileScreen />
  }
}

import type { Command } from 'commander'

// STUB: the dockerfile command(s) are filled in by their feature.
export function registerDockerfile(_program: Command): void {}

import type { Command } from 'commander'

// STUB: the images command(s) are filled in by their feature.
export function registerImages(_program: Command): void {}

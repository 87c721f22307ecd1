import type { Command } from 'commander'

// STUB: the serve command(s) are filled in by their feature.
export function registerServe(_program: Command): void {}

import type { Command } from 'commander'

// STUB: the report command(s) are filled in by their feature.
export function registerReport(_program: Command): void {}

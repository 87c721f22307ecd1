import type { Command } from 'commander'

// STUB: the compare command(s) are filled in by their feature.
export function registerCompare(_program: Command): void {}

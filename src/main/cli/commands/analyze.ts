import type { Command } from 'commander'

// STUB: the analyze command(s) are filled in by their feature.
export function registerAnalyze(_program: Command): void {}

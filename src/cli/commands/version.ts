import type { Command } from 'commander';

export function register(program: Command): void {
  program.version('0.1.0', '-v, --version');
}

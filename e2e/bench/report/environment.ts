// What a benchmark result must carry to be compared across machines: the
// machine, the software, Parley's commit and the parameters of the run.
import { execFileSync } from 'node:child_process';
import { cpus, totalmem, release } from 'node:os';

export type Environment = {
  date: string;
  commit: string;
  machine: { cpu: string; cores: number; memoryGiB: number; kernel: string };
  node: string;
  browsers: Record<string, string>;
};

function git(...args: string[]): string {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown'; // not a git checkout (a release tarball): say so rather than fail the run
  }
}

export function environment(browsers: Record<string, string> = {}): Environment {
  const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
  return {
    date: new Date().toISOString(),
    commit: `${git('rev-parse', '--short=12', 'HEAD')}${dirty ? '+uncommitted changes' : ''}`,
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
      kernel: release(),
    },
    node: process.version,
    browsers,
  };
}

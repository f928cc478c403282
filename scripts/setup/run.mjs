// @ts-check
import { spawnSync } from 'node:child_process';

/**
 * Runs a command with inherited output; throws with `what` when it fails.
 * @param {string} command
 * @param {string[]} args
 * @param {{ what: string, cwd?: string, env?: NodeJS.ProcessEnv, quiet?: boolean, timeoutMs?: number }} options
 */
export function run(command, args, options) {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: options.quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    encoding: 'utf8',
    timeout: options.timeoutMs,
  });
  if (result.status !== 0) {
    const tail = options.quiet ? `\n${(result.stderr ?? '').split('\n').slice(-20).join('\n')}` : '';
    throw new Error(`${options.what} failed (${command} exited with ${result.status ?? result.signal})${tail}`);
  }
  return result;
}

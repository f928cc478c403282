// @ts-check
// Prints one progress line per set-up step with its elapsed time, and turns a
// failed step into a clear message and a non-zero exit instead of a stack.

/** @param {Array<[string, () => Promise<string>]>} steps */
export async function runSteps(steps) {
  const started = Date.now();
  for (const [name, run] of steps) {
    const stepStarted = Date.now();
    process.stdout.write(`[setup] ${name} …\n`);
    try {
      const outcome = await run();
      process.stdout.write(`[setup] ${name}: ${outcome} (${seconds(stepStarted)})\n`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`[setup] ${name} FAILED after ${seconds(stepStarted)}:\n${message}\n`);
      process.exit(1);
    }
  }
  process.stdout.write(`[setup] ready (${seconds(started)})\n`);
}

/** @param {number} since */
function seconds(since) {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

// Runs loadServerKey as an unprivileged user. Tests run as root here, and
// root reads any file whatever its permission bits, so an "unreadable" key
// file can only be tested from a process without root's privileges: a child
// that runs as nobody (65534) the module's own source, compiled as is by
// TypeScript. Not root: the test process itself is unprivileged enough.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { loadServerKey } from '../../src/auth/serverKey.js';

export type KeyOutcome = { uid: number; loaded: boolean; error?: { name: string; message: string } };

const nobody = 65534;

export async function loadServerKeyUnprivileged(dataDir: string): Promise<KeyOutcome> {
  const uid = process.getuid?.() ?? nobody;
  if (uid !== 0) {
    try {
      await loadServerKey(dataDir);
      return { uid, loaded: true };
    } catch (error) {
      const { name, message } = error as Error;
      return { uid, loaded: false, error: { name, message } };
    }
  }
  // Under node_modules/.cache, so the compiled module finds its dependencies as the source does.
  const cache = fileURLToPath(new URL('../../../node_modules/.cache/', import.meta.url));
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'parley-unprivileged-'));
  chmodSync(dir, 0o755);
  try {
    const source = readFileSync(new URL('../../src/auth/serverKey.ts', import.meta.url), 'utf8');
    const compiled = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    writeFileSync(join(dir, 'serverKey.mjs'), compiled.outputText);
    writeFileSync(
      join(dir, 'run.mjs'),
      `const { loadServerKey } = await import('./serverKey.mjs');
const uid = process.getuid();
try {
  await loadServerKey(process.argv[2]);
  process.stdout.write(JSON.stringify({ uid, loaded: true }));
} catch (error) {
  process.stdout.write(JSON.stringify({ uid, loaded: false, error: { name: error.name, message: error.message } }));
}
`,
    );
    const child = spawnSync(process.execPath, [join(dir, 'run.mjs'), dataDir], {
      uid: nobody,
      gid: nobody,
      encoding: 'utf8',
      timeout: 20_000,
    });
    if (child.status !== 0) throw new Error(`the unprivileged child failed (${child.status}): ${child.stderr}`);
    return JSON.parse(child.stdout) as KeyOutcome;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

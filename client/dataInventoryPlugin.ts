// Build-time: docs/data-inventory.md becomes the module `virtual:data-inventory`
// (parsed JSON) that the /privacy page renders. One source for the page, the
// schema test and the docs.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { parseDataInventory } from '@parley/shared/privacy';

const id = 'virtual:data-inventory';
const resolved = `\0${id}`;
const source = fileURLToPath(new URL('../docs/data-inventory.md', import.meta.url));

export function dataInventory(): Plugin {
  return {
    name: 'parley-data-inventory',
    resolveId: (requested) => (requested === id ? resolved : undefined),
    load(loading) {
      if (loading !== resolved) return undefined;
      this.addWatchFile(source);
      return `export default ${JSON.stringify(parseDataInventory(readFileSync(source, 'utf8')))};`;
    },
  };
}

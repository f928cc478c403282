// deploy/base-images/versions.env names the base images' versions once; the
// air-gapped build (build-base-images.sh) builds those, and every public
// default elsewhere (Dockerfiles, compose, build-images.sh) must name the
// same ones, or the two paths would build different stacks.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(fileURLToPath(new URL(`../../${path}`, import.meta.url)), 'utf8');
const versions = Object.fromEntries(
  read('deploy/base-images/versions.env')
    .split('\n')
    .filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
);
const debianImage = `debian:${versions.DEBIAN_SUITE}-slim`;
const nodeImage = `node:${versions.NODE_VERSION}-${versions.DEBIAN_SUITE}-slim`;

/** Every default a file gives the two image variables or arguments, as written. */
function defaults(text: string): string[] {
  const found = [
    ...text.matchAll(/ARG (?:DEBIAN|NODE)_IMAGE=(\S+)/g),
    ...text.matchAll(/\$\{PARLEY_(?:DEBIAN|NODE)_IMAGE:-([^}]+)\}/g),
  ];
  return found.map((match) => match[1] as string);
}

describe('the base images’ versions', () => {
  it('are written down once, as exact versions', () => {
    expect(versions.DEBIAN_SUITE).toMatch(/^[a-z]+$/);
    expect(versions.NODE_VERSION).toMatch(/^20\.\d+\.\d+$/); // Node stays 20
    expect(versions.NPM_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it.each([
    ['Dockerfile', [nodeImage]],
    ['deploy/postgres/Dockerfile', [debianImage]],
    ['deploy/caddy/Dockerfile', [debianImage]],
    ['deploy/coturn/Dockerfile', [debianImage]],
    ['docker-compose.yml', [nodeImage, debianImage, debianImage, debianImage]],
    ['scripts/deploy/build-images.sh', [debianImage, nodeImage]],
  ])('%s defaults to the public images of those versions', (file, expected) => {
    expect(defaults(read(file))).toEqual(expected);
  });
});

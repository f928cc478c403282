// docs/architecture.md and docs/protocol.md quote the limits; this keeps the
// quotes equal to the code, as store.test.ts does for the data inventory.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { handlerCharges, limits, peerRates, requestBounds, userRates } from '../src/rooms/limits.js';
import type { Rate } from '../src/rooms/rateLimit.js';

const doc = (name: string) => readFileSync(new URL(`../../docs/${name}`, import.meta.url), 'utf8');

/** Table rows whose first cell is `code`, as arrays of cells. */
function rows(text: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const cells = line
      .trim()
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim());
    const name = /^`([\w.]+)`$/.exec(cells[0] ?? '')?.[1];
    if (name) found.set(name, cells.slice(1));
  }
  return found;
}

const refill = ({ perSecond }: Rate) =>
  perSecond >= 1 ? `${perSecond}/s` : `${Math.round(perSecond * 60 * 1000) / 1000}/min`;
const columns = (rate: (others: number) => Rate) => {
  const [two, fifty] = [rate(1), rate(limits.peersPerRoom - 1)];
  return [String(two.capacity), refill(two), String(fifty.capacity), refill(fifty)];
};

describe('the documented limits', () => {
  const architecture = rows(doc('architecture.md'));

  it('lists every limit with its value', () => {
    for (const [name, value] of Object.entries(limits))
      expect(architecture.get(`limits.${name}`), name).toEqual([String(value)]);
  });

  it('lists every rate with its requests and its numbers for 2 and 50 people', () => {
    for (const [name, { rate }] of Object.entries(peerRates)) {
      const row = architecture.get(`peerRates.${name}`);
      const requests = [
        ...Object.entries(requestBounds).flatMap(([request, bound]) => (bound === name ? [request] : [])),
        ...(Object.hasOwn(handlerCharges, name) ? handlerCharges[name as keyof typeof handlerCharges] : []),
      ];
      expect(row?.[0]?.split(', ').sort(), name).toEqual(requests.sort());
      expect(row?.slice(1), name).toEqual(columns(rate));
    }
    for (const [name, rate] of Object.entries(userRates))
      expect(architecture.get(`userRates.${name}`)?.slice(1), name).toEqual(columns(() => rate));
  });

  it('quotes the E2EE relay and keyframe rates in protocol.md as the code has them', () => {
    const protocol = rows(doc('protocol.md'));
    expect(protocol.get('relayE2ee')).toEqual(columns(peerRates.relay.rate));
    expect(protocol.get('requestKeyFrame')).toEqual(columns(peerRates.keyFrame.rate));
  });
});

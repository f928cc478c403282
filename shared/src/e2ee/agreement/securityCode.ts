// What people compare to know nobody is in the middle. The call code covers
// every participant's identity key, call key and account: if the server
// swapped any key for one of its own, codes differ between screens. The
// pairwise emoji cover just two people, for a quick check with one person.
import type { Sodium } from './sodium.js';

export type RosterEntry = { accountId: string; identityKey: Uint8Array; callKey: Uint8Array };

const encoder = new TextEncoder();

function digest(sodium: Sodium, label: string, entries: RosterEntry[]): Uint8Array {
  const parts = entries.map((e) => `${e.accountId}:${sodium.to_hex(e.identityKey)}:${sodium.to_hex(e.callKey)}`).sort();
  return sodium.crypto_generichash(32, encoder.encode(`${label}\n${parts.join('\n')}`), null);
}

/** Six groups of five digits, the same on every screen when every key is genuine. */
export function callSecurityCode(sodium: Sodium, roster: RosterEntry[]): string {
  const hash = digest(sodium, 'Parley call code 1', roster);
  const view = new DataView(hash.buffer, hash.byteOffset, hash.byteLength);
  const groups: string[] = [];
  for (let i = 0; i < 6; i++) groups.push(String(view.getUint32(i * 4) % 100_000).padStart(5, '0'));
  return groups.join(' ');
}

/** 64 emoji that are easy to tell apart and to name aloud, with their names (read aloud; and shown, for screens without emoji). */
const emoji: [symbol: string, name: string][] = [
  ['🐶', 'Dog'],
  ['🐱', 'Cat'],
  ['🦁', 'Lion'],
  ['🐎', 'Horse'],
  ['🦄', 'Unicorn'],
  ['🐷', 'Pig'],
  ['🐘', 'Elephant'],
  ['🐰', 'Rabbit'],
  ['🐼', 'Panda'],
  ['🐓', 'Rooster'],
  ['🐧', 'Penguin'],
  ['🐢', 'Turtle'],
  ['🐟', 'Fish'],
  ['🐙', 'Octopus'],
  ['🦋', 'Butterfly'],
  ['🌷', 'Tulip'],
  ['🌳', 'Tree'],
  ['🌵', 'Cactus'],
  ['🍄', 'Mushroom'],
  ['🌏', 'Globe'],
  ['🌙', 'Moon'],
  ['☁️', 'Cloud'],
  ['🔥', 'Fire'],
  ['🍌', 'Banana'],
  ['🍎', 'Apple'],
  ['🍓', 'Strawberry'],
  ['🌽', 'Corn'],
  ['🍕', 'Pizza'],
  ['🎂', 'Cake'],
  ['❤️', 'Heart'],
  ['😀', 'Smiley'],
  ['🤖', 'Robot'],
  ['🎩', 'Hat'],
  ['👓', 'Glasses'],
  ['🔧', 'Spanner'],
  ['🎅', 'Santa'],
  ['👍', 'Thumbs up'],
  ['☂️', 'Umbrella'],
  ['⌛', 'Hourglass'],
  ['⏰', 'Clock'],
  ['🎁', 'Gift'],
  ['💡', 'Light bulb'],
  ['📕', 'Book'],
  ['✏️', 'Pencil'],
  ['📎', 'Paperclip'],
  ['✂️', 'Scissors'],
  ['🔒', 'Padlock'],
  ['🔑', 'Key'],
  ['🔨', 'Hammer'],
  ['☎️', 'Telephone'],
  ['🏁', 'Flag'],
  ['🚂', 'Train'],
  ['🚲', 'Bicycle'],
  ['✈️', 'Aeroplane'],
  ['🚀', 'Rocket'],
  ['🏆', 'Trophy'],
  ['⚽', 'Ball'],
  ['🎸', 'Guitar'],
  ['🎺', 'Trumpet'],
  ['🔔', 'Bell'],
  ['⚓', 'Anchor'],
  ['🎧', 'Headphones'],
  ['📁', 'Folder'],
  ['📌', 'Pin'],
];

export type VerificationEmoji = { symbol: string; name: string };

/** Seven emoji (42 bits) derived from two people's keys; both see the same ones. */
export function pairwiseEmoji(sodium: Sodium, a: RosterEntry, b: RosterEntry): VerificationEmoji[] {
  const hash = digest(sodium, 'Parley pairwise 1', [a, b]);
  let bits = 0n;
  for (const byte of hash.subarray(0, 6)) bits = (bits << 8n) | BigInt(byte);
  const out: VerificationEmoji[] = [];
  for (let i = 0; i < 7; i++) {
    const [symbol, name] = emoji[Number((bits >> BigInt(6 * i)) & 63n)] ?? ['?', '?'];
    out.push({ symbol, name });
  }
  return out;
}

// The longest passwords the policy allows, in pairs that differ only in their
// last character: identical for their first N bytes (UTF-8), code units
// (UTF-16) or characters, for every N short of the whole. Anything that
// truncated passwords anywhere before their end could not tell the two apart
// (bcrypt's 72 bytes, a 128- or 255-character column, a byte limit).
import { passwordRules } from '@parley/shared/password-policy';

const max = passwordRules.maxLength;
const asciiStem = 'violet tractor whispers under marmalade '.repeat(8).slice(0, max - 1);
// Pictographs: four bytes in UTF-8, two code units in UTF-16, unchanged by NFKC.
const wideStem = Array.from({ length: max - 1 }, (_, i) => String.fromCodePoint(0x1f300 + ((i * 7) % 0x250))).join('');

export const longPasswordPairs: { name: string; right: string; nearlyRight: string }[] = [
  { name: `${max} ASCII characters`, right: `${asciiStem}a`, nearlyRight: `${asciiStem}b` },
  { name: `${max} four-byte characters`, right: `${wideStem}\u{1F600}`, nearlyRight: `${wideStem}\u{1F601}` },
];

// A random token this browser keeps for meeting links: the server derives a
// guest's id from it and the link, so a dropped connection resumes and the
// people in the call recognise a returning guest's device (trust on first
// use). Clearing site data makes a new one.
const key = 'parley.guestToken';

export function guestToken(): string {
  const stored = localStorage.getItem(key);
  if (stored && /^[A-Za-z0-9_-]{43}$/.test(stored)) return stored;
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const token = btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
  localStorage.setItem(key, token);
  return token;
}

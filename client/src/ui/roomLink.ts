import { RoomIdSchema } from '@parley/shared';

/** 128 random bits, base64url: the share link is the only way into a room. */
export function newRoomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
}

/** The room named in this page's link, or a fresh one written into the link. */
export function roomFromLocation(): string {
  const url = new URL(window.location.href);
  const named = RoomIdSchema.safeParse(url.searchParams.get('room'));
  if (named.success) return named.data;
  const roomId = newRoomId();
  url.searchParams.set('room', roomId);
  window.history.replaceState(null, '', url);
  return roomId;
}

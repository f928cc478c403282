import { RoomIdSchema } from '@parley/shared';

/** The room named in this page's link, if any. */
export function roomFromLocation(): string | undefined {
  const named = RoomIdSchema.safeParse(new URL(window.location.href).searchParams.get('room'));
  return named.success ? named.data : undefined;
}

/** Puts the room in the address bar: that link is what the host shares. */
export function writeRoomToLocation(roomId: string): void {
  const url = new URL(window.location.href);
  url.searchParams.set('room', roomId);
  window.history.replaceState(null, '', url);
}

import { z } from 'zod';

/** Every error that crosses the wire carries one of these codes and nothing internal. */
export const errorCodes = [
  'invalid_message',
  'not_joined',
  'already_joined',
  'not_admitted',
  'not_host',
  /** A peer announces its E2EE keys once per call; a second announcement is refused. */
  'already_announced',
  'room_locked',
  /** Hosts turned this person away from this call twice: they may not knock on it again. */
  'blocked',
  'not_found',
  'limit_reached',
  'media_error',
  'unauthenticated',
  'invalid_credentials',
  'throttled',
  'busy',
  'username_taken',
  'weak_password',
  'expired',
  'client_outdated',
  'link_unusable',
  'not_allowed',
  'internal',
] as const;

export const ErrorCodeSchema = z.enum(errorCodes);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

export const WireErrorSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string().max(300),
});
export type WireError = z.infer<typeof WireErrorSchema>;

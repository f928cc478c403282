import { z } from 'zod';

/**
 * Usernames are the only identity Parley stores: no e-mail, no phone, no real
 * name. Compared in NFKC lower case, so "Alice" and "alice" are one account.
 */
export const UsernameSchema = z
  .string()
  .transform((value) => value.normalize('NFKC').trim().toLowerCase())
  .pipe(
    z
      .string()
      .min(3, 'usernames have at least 3 characters')
      .max(32, 'usernames have at most 32 characters')
      .regex(/^[\p{L}\p{N}._-]+$/u, 'usernames use letters, digits, dots, dashes and underscores'),
  );

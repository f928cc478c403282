// The account HTTP API: one request and one response schema per endpoint.
// Errors come back as { error: WireError } with a matching HTTP status.
import { z } from 'zod';
import { UsernameSchema } from './usernames.js';
import { passwordRules } from './passwordRules.js';

const PasswordSchema = z
  .string()
  .min(1, 'enter a password')
  .max(passwordRules.maxLength * 4);
const TotpCodeSchema = z.string().regex(/^\d{6}$/, 'codes have 6 digits');
const RecoveryCodeSchema = z
  .string()
  .transform((value) => value.toUpperCase().replace(/[^A-Z2-7]/g, ''))
  .pipe(z.string().length(16, 'recovery codes have 16 letters and digits'));
const PendingIdSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

export const authApi = {
  register: {
    request: z.object({ username: UsernameSchema, password: PasswordSchema }),
    response: z.object({
      enrolmentId: PendingIdSchema,
      totpSecret: z.string(),
      otpauthUri: z.string(),
      qrCodeSvg: z.string(),
    }),
  },
  confirmEnrolment: {
    request: z.object({ enrolmentId: PendingIdSchema, code: TotpCodeSchema }),
    response: z.object({ recoveryCodes: z.array(z.string()).length(10) }),
  },
  login: {
    request: z.object({ username: z.string().max(256), password: PasswordSchema }),
    response: z.object({ loginId: PendingIdSchema }),
  },
  secondFactor: {
    request: z.union([
      z.object({ loginId: PendingIdSchema, code: TotpCodeSchema }),
      z.object({ loginId: PendingIdSchema, recoveryCode: RecoveryCodeSchema }),
    ]),
    response: z.object({}),
  },
  changePassword: {
    request: z.object({ currentPassword: PasswordSchema, newPassword: PasswordSchema }),
    response: z.object({}),
  },
  regenerateRecoveryCodes: {
    request: z.object({ password: PasswordSchema }),
    response: z.object({ recoveryCodes: z.array(z.string()).length(10) }),
  },
  deleteAccount: {
    request: z.object({ password: PasswordSchema }),
    response: z.object({}),
  },
} as const;

export const AccountSchema = z.object({
  username: z.string(),
  createdAt: z.number(),
  recoveryCodesLeft: z.number(),
  sessions: z.array(
    z.object({ id: z.string(), createdAt: z.number(), lastActiveAt: z.number(), current: z.boolean() }),
  ),
  events: z.array(z.object({ kind: z.string(), at: z.number() })),
});
export type Account = z.infer<typeof AccountSchema>;

export type AuthEndpoint = keyof typeof authApi;
export type AuthRequest<K extends AuthEndpoint> = z.infer<(typeof authApi)[K]['request']>;
export type AuthResponse<K extends AuthEndpoint> = z.infer<(typeof authApi)[K]['response']>;

export const passwordRules = {
  minLength: 12,
  /** Accepted and hashed whole, never truncated. */
  maxLength: 256,
  minScore: 3,
  /** zxcvbn's cost grows with length; beyond this the estimate no longer changes the verdict. */
  scoredPrefix: 100,
} as const;

/** Passwords are compared and hashed in NFKC, so the same password typed on two keyboards matches. */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

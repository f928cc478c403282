// The whole stored data model. docs/data-inventory.md describes every table
// and column here with its purpose and retention, and a test fails when the
// live schema and that page disagree. Times are Unix seconds; "coarse" ones
// are rounded down to the hour, because nobody needs more.
import type { Generated } from 'kysely';

export type UsersTable = {
  id: string;
  username: string;
  password_hash: string;
  /** libsodium secretbox(nonce ‖ ciphertext) of the TOTP secret, base64. */
  totp_secret_sealed: string;
  /** Highest TOTP time step ever accepted: a code for it or any earlier step is refused. */
  totp_last_step: Generated<number>;
  created_at: number;
};

export type SessionsTable = {
  id: string;
  user_id: string;
  /** SHA-256 of the session secret: the token itself is never stored. */
  secret_hash: string;
  created_at: number;
  last_active_at: number;
  expires_at: number;
};

export type RecoveryCodesTable = {
  user_id: string;
  code_hash: string;
};

export type AccountEventsTable = {
  id: string;
  user_id: string;
  kind: AccountEventKind;
  at: number;
};

export type IdentityKeysTable = {
  user_id: string;
  /** Ed25519 public key, base64url. */
  public_key: string;
  first_used_at: number;
  last_used_at: number;
};

export type MeetingLinksTable = {
  id: string;
  owner_id: string;
  /** SHA-256 of the link's secret: the secret itself is only in the link (its fragment). */
  secret_hash: string;
  profile: 'standard' | 'sensitive';
  /** 1: admits one guest, then is deleted; 0: any number. */
  single_use: number;
  max_participants: number;
  valid_days: number;
  expires_at: number;
  created_at: number;
};

export type AccountEventKind =
  'recovery_code_used' | 'recovery_codes_regenerated' | 'password_changed' | 'sessions_revoked';

export type Database = {
  users: UsersTable;
  sessions: SessionsTable;
  recovery_codes: RecoveryCodesTable;
  account_events: AccountEventsTable;
  identity_keys: IdentityKeysTable;
  meeting_links: MeetingLinksTable;
};

import type { Migration, MigrationProvider } from 'kysely';
import { accounts } from './001_accounts.js';
import { identityKeys } from './002_identity_keys.js';
import { meetingLinks } from './003_meeting_links.js';

/** Migrations in order; names sort lexically, so they keep their number prefix. */
const migrations: Record<string, Migration> = {
  '001_accounts': accounts,
  '002_identity_keys': identityKeys,
  '003_meeting_links': meetingLinks,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};

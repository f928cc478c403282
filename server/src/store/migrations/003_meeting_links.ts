import type { Kysely, Migration } from 'kysely';

/** Meeting links: calls that can be joined later, by guests without an account. */
export const meetingLinks: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('meeting_links')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      .addColumn('profile', 'text', (c) => c.notNull())
      .addColumn('single_use', 'integer', (c) => c.notNull())
      .addColumn('max_participants', 'integer', (c) => c.notNull())
      .addColumn('valid_days', 'integer', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('meeting_links_owner').on('meeting_links').column('owner_id').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('meeting_links').execute();
  },
};

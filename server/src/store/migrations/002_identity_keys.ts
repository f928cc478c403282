import type { Kysely, Migration } from 'kysely';

/** Public identity keys of each account's devices (end-to-end encryption). */
export const identityKeys: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('identity_keys')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('public_key', 'text', (c) => c.notNull())
      .addColumn('first_used_at', 'bigint', (c) => c.notNull())
      .addColumn('last_used_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('identity_keys_pk', ['user_id', 'public_key'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('identity_keys').execute();
  },
};

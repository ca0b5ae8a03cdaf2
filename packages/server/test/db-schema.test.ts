// The drizzle schema (src/db/schema.ts) must describe the migrated database exactly: every table,
// every column, its SQL type and its nullability.
import { getTableConfig } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLES } from '../src/db/schema.js';
import { createTestDb, type TestDatabase } from './support/test-db.js';

interface Column extends Record<string, unknown> {
  table_name: string;
  column_name: string;
  type: string;
  not_null: boolean;
}

const NORMALISE: Record<string, string> = {
  'timestamp with time zone': 'timestamptz',
  'text[]': 'text[]',
};

describe('drizzle schema matches the migrations', () => {
  let database: TestDatabase;
  let columns: Column[];
  beforeAll(async () => {
    database = await createTestDb();
    columns = await database.db.query<Column>(
      `SELECT c.table_name, c.column_name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null
       FROM information_schema.columns c
       JOIN pg_attribute a ON a.attrelid = (quote_ident(c.table_schema) || '.' || quote_ident(c.table_name))::regclass
         AND a.attname = c.column_name
       WHERE c.table_schema = 'public' AND c.table_name <> 'rgw_migrations'
       ORDER BY c.table_name, c.ordinal_position`,
    );
  });
  afterAll(async () => database?.close());

  it('declares every table of the public schema', () => {
    const declared = Object.values(TABLES)
      .map((t) => getTableConfig(t).name)
      .sort();
    expect([...new Set(columns.map((c) => c.table_name))].sort()).toEqual(declared);
  });

  it('declares every column with its type and nullability, in order', () => {
    for (const table of Object.values(TABLES)) {
      const config = getTableConfig(table);
      const declared = config.columns.map((c) => ({
        column: c.name,
        type: NORMALISE[c.getSQLType()] ?? c.getSQLType(),
        notNull: c.notNull,
      }));
      const actual = columns
        .filter((c) => c.table_name === config.name)
        .map((c) => ({
          column: c.column_name,
          type: NORMALISE[c.type] ?? c.type,
          notNull: c.not_null,
        }));
      expect(declared, config.name).toEqual(actual);
    }
  });
});

// Many rows in few statements, for work done in batches (the renewal runner): multi-row INSERTs and
// UPDATE … FROM (VALUES …), sent as compiled SQL so that building a statement costs nothing
// per row beyond its values. The SQL is the same on SQLite and PostgreSQL but for the placeholders.
// Callers pass column names they own (never client input).
import { CompiledQuery, type Insertable, type Selectable } from 'kysely';
import type { Database } from './database.ts';
import type { TxContext } from './work.ts';

// Both engines take at least 32,766 parameters a statement; stay well under.
const MAX_PARAMS = 30_000;

const quote = (name: string): string => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad column name ${name}`);
  return `"${name}"`;
};

function placeholders(dialect: TxContext['dialect'], count: number, from: number): string {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(dialect === 'postgres' ? `$${from + i}` : '?');
  return out.join(', ');
}

type Row = Record<string, unknown>;

/**
 * Inserts rows (all with the same columns) into a table, in as few statements as the parameter
 * limit allows; returns the `returning` columns of every row inserted. With `onConflict`, rows that
 * hit that unique index are skipped and absent from the answer. The order of the answer is not
 * the order of the rows: match them by a column (a token, a key) you chose.
 */
export async function insertRows<T extends keyof Database & string>(
  ctx: TxContext,
  table: T,
  rows: readonly Row[],
  options: { returning?: readonly string[]; onConflict?: readonly string[] } = {},
): Promise<Row[]> {
  if (rows.length === 0) return [];
  const columns = Object.keys(rows[0]);
  const tail =
    (options.onConflict ? ` on conflict (${options.onConflict.map(quote).join(', ')}) do nothing` : '') + (options.returning?.length ? ` returning ${options.returning.map(quote).join(', ')}` : '');
  if (ctx.dialect === 'postgres') return insertUnnest(ctx, table, columns, rows, tail);
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
  const out: Row[] = [];
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const params: unknown[] = [];
    const values: string[] = [];
    for (const row of chunk) {
      values.push(`(${placeholders(ctx.dialect, columns.length, params.length + 1)})`);
      for (const column of columns) params.push(row[column] ?? null);
    }
    const text = `insert into ${quote(table)} (${columns.map(quote).join(', ')}) values ${values.join(', ')}${tail}`;
    const result = await ctx.db.executeQuery(CompiledQuery.raw(text, params));
    out.push(...(result.rows as Row[]));
  }
  return out;
}

// PostgreSQL parses and plans a VALUES list of thousands of parameters slowly; one array per column,
// unnested, is one small statement whatever the number of rows. The arrays are typed as the table's
// columns (read once per table from the catalog).
const columnTypes = new Map<string, Promise<Map<string, string>>>();

async function typesOf(ctx: TxContext, table: string): Promise<Map<string, string>> {
  const key = `${table}`;
  let found = columnTypes.get(key);
  if (!found) {
    found = ctx.db
      .executeQuery(CompiledQuery.raw('select column_name, data_type from information_schema.columns where table_schema = current_schema() and table_name = $1', [table]))
      .then((result) => new Map((result.rows as Array<{ column_name: string; data_type: string }>).map((r) => [r.column_name, r.data_type])));
    columnTypes.set(key, found);
    found.catch(() => columnTypes.delete(key));
  }
  return found;
}

async function insertUnnest(ctx: TxContext, table: string, columns: string[], rows: readonly Row[], tail: string): Promise<Row[]> {
  const types = await typesOf(ctx, table);
  const arrays = columns.map((column) => rows.map((row) => row[column] ?? null));
  const casts = columns.map((column, i) => {
    const type = types.get(column);
    if (!type) throw new Error(`insertRows: no column ${table}.${column}`);
    return `cast($${i + 1} as ${type === 'character varying' ? 'text' : type}[])`;
  });
  const text = `insert into ${quote(table)} (${columns.map(quote).join(', ')}) select * from unnest(${casts.join(', ')})${tail}`;
  const result = await ctx.db.executeQuery(CompiledQuery.raw(text, arrays));
  return result.rows as Row[];
}

// The hottest single-row INSERTs (a sale's transaction, payment method, ledger entry and event):
// building and compiling one with Kysely costs more than running it on SQLite (tens of µs for the
// transaction's 30-odd columns), while its SQL only depends on the table and the columns given.
// So the SQL is kept per shape and only the values travel. Columns whose value is undefined are
// left out (to their default), as Kysely's values() does.
const oneRowSql = new Map<string, string>();

async function insertOneRow(ctx: TxContext, table: string, row: Row, returning: string): Promise<Row | undefined> {
  const columns = Object.keys(row).filter((column) => row[column] !== undefined);
  const key = `${ctx.dialect}|${table}|${returning}|${columns.join(',')}`;
  let text = oneRowSql.get(key);
  if (text === undefined) {
    text = `insert into ${quote(table)} (${columns.map(quote).join(', ')}) values (${placeholders(ctx.dialect, columns.length, 1)})${returning}`;
    if (oneRowSql.size >= 1_000) oneRowSql.clear();
    oneRowSql.set(key, text);
  }
  const result = await ctx.db.executeQuery(
    CompiledQuery.raw(
      text,
      columns.map((column) => row[column]),
    ),
  );
  return result.rows[0] as Row | undefined;
}

/** One row, as insertInto(table).values(row).execute() writes it. */
export async function insertOne<T extends keyof Database & string>(ctx: TxContext, table: T, row: Insertable<Database[T]>): Promise<void> {
  await insertOneRow(ctx, table, row as Row, '');
}

/** One row, answering its id. */
export async function insertOneReturningId<T extends keyof Database & string>(ctx: TxContext, table: T, row: Insertable<Database[T]>): Promise<number> {
  const inserted = await insertOneRow(ctx, table, row as Row, ' returning "id"');
  if (!inserted) throw new Error(`insert into ${table} returned no row`);
  return Number(inserted.id);
}

/** One row, answering what a RETURNING list of the caller's SQL gives (its expressions may read the new row). */
export async function insertOneReturning<T extends keyof Database & string>(ctx: TxContext, table: T, row: Insertable<Database[T]>, returning: string): Promise<Row> {
  const inserted = await insertOneRow(ctx, table, row as Row, ` returning ${returning}`);
  if (!inserted) throw new Error(`insert into ${table} returned no row`);
  return inserted;
}

/** One row, answering the row as stored (returningAll). */
export async function insertOneReturningAll<T extends keyof Database & string>(ctx: TxContext, table: T, row: Insertable<Database[T]>): Promise<Selectable<Database[T]>> {
  const inserted = await insertOneRow(ctx, table, row as Row, ' returning *');
  if (!inserted) throw new Error(`insert into ${table} returned no row`);
  return inserted as Selectable<Database[T]>;
}

export type ColumnType = 'text' | 'bigint' | 'integer';

/**
 * Updates many rows by id in as few statements as the parameter limit allows, each row to its own
 * values: UPDATE … FROM (VALUES …) on both engines (SQLite 3.33+). `types` names each column's type
 * (PostgreSQL types the VALUES list from them). Rows must all have the same columns.
 */
export async function updateRowsById<T extends keyof Database & string>(ctx: TxContext, table: T, rows: readonly (Row & { id: number })[], types: Readonly<Record<string, ColumnType>>): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]).filter((c) => c !== 'id');
  for (const c of columns) if (!types[c]) throw new Error(`updateRowsById: no type for ${table}.${c}`);
  const all = ['id', ...columns];
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / all.length));
  const pg = ctx.dialect === 'postgres';
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const params: unknown[] = [];
    const values = chunk.map((row) => {
      const cells = all.map((c) => {
        params.push(row[c] ?? null);
        return pg ? `cast($${params.length} as ${c === 'id' ? 'bigint' : types[c]})` : '?';
      });
      return `(${cells.join(', ')})`;
    });
    // SQLite names the VALUES columns column1, column2, …; PostgreSQL takes names for them.
    const ref = (i: number) => (pg ? `v.${quote(all[i])}` : `v.column${i + 1}`);
    const alias = pg ? `v(${all.map(quote).join(', ')})` : 'v';
    const text = `update ${quote(table)} set ${columns.map((c, i) => `${quote(c)} = ${ref(i + 1)}`).join(', ')} from (values ${values.join(', ')}) as ${alias} where ${quote(table)}."id" = ${ref(0)}`;
    await ctx.db.executeQuery(CompiledQuery.raw(text, params));
  }
}

/** Ids as a list for `where id in (…)`, chunked under the parameter limit. */
export function chunks<T>(items: readonly T[], size = 5_000): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

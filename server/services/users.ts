import { sql, type SQL } from 'drizzle-orm';
import type { UserView } from '../schemas';
import type { Db } from '../storage';
import { requirePerm, type Me } from './access';

/** A host user as the chat shows them. */
export type User = UserView;

type UserRow = Record<string, unknown> & { id: number | string };

function selectUsers(db: Db, where: SQL, limit?: number): Promise<UserRow[]> {
  const u = db.users;
  const cols = ['id', ...u.nameColumns, ...(u.hasEmail ? ['email'] : [])];
  const list = sql.join(cols.map((c) => sql.identifier(c)), sql`, `);
  const tail = limit ? sql` ORDER BY ${sql.identifier('id')} LIMIT ${limit}` : sql``;
  return db.rows<UserRow>(sql`SELECT ${list} FROM ${sql.identifier(u.table)} WHERE ${where}${tail}`);
}

function toUser(db: Db, row: UserRow): User {
  const name = db.users.nameColumns.map((c) => row[c]).find((v) => typeof v === 'string' && v.trim() !== '');
  const email = typeof row.email === 'string' && row.email !== '' ? row.email : undefined;
  return { id: Number(row.id), name: (name as string | undefined)?.trim() ?? email ?? `#${row.id}`, ...(email ? { email } : {}) };
}

function active(db: Db): SQL {
  return db.users.hasIsActive ? sql`${sql.identifier('is_active')} = ${1}` : sql`1 = 1`;
}

/** The user with this id when they are active, else null. */
export async function findActiveUser(db: Db, id: number): Promise<User | null> {
  const [row] = await selectUsers(db, sql`${sql.identifier('id')} = ${id} AND ${active(db)}`);
  return row ? toUser(db, row) : null;
}

/** Which of these ids are active users. */
export async function activeUserIds(db: Db, ids: number[]): Promise<Set<number>> {
  if (!ids.length) return new Set();
  const rows = await selectUsers(db, sql`${sql.identifier('id')} IN (${sql.join(ids.map((i) => sql`${i}`), sql`, `)}) AND ${active(db)}`);
  return new Set(rows.map((r) => Number(r.id)));
}

/** Users by id, active or not (a former colleague's old messages keep their name). */
export async function usersByIds(db: Db, ids: Iterable<number>): Promise<Map<number, User>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = await selectUsers(db, sql`${sql.identifier('id')} IN (${sql.join(unique.map((i) => sql`${i}`), sql`, `)})`);
  return new Map(rows.map((r) => [Number(r.id), toUser(db, r)]));
}

/** A display name for a user id that may have left the users table. */
export const nameOf = (users: Map<number, User>, id: number) => users.get(id)?.name ?? `#${id}`;

/** Active users whose name or email contains q (case-insensitive), for starting conversations. */
export async function searchUsers(db: Db, me: Me, q: string, limit: number): Promise<User[]> {
  requirePerm(me, 'chat.read');
  const u = db.users;
  // '!' escapes LIKE wildcards: unlike a backslash it means the same in MySQL and SQLite literals.
  const pattern = `%${q.toLowerCase().replace(/[!%_]/g, (ch) => `!${ch}`)}%`;
  const cols = [...u.nameColumns, ...(u.hasEmail ? ['email'] : [])];
  const match = q && cols.length
    ? sql.join(cols.map((c) => sql`LOWER(${sql.identifier(c)}) LIKE ${pattern} ESCAPE '!'`), sql` OR `)
    : sql`1 = 1`;
  const rows = await selectUsers(db, sql`${active(db)} AND (${match})`, limit);
  return rows.map((r) => toUser(db, r));
}

import { serialBatches } from '../batches';

/** A user of the host app, as the chat shows them. */
export interface HostUser {
  id: number;
  name: string;
  email?: string;
}

/** What the BFF knows of the host's users table, read from its columns at start. */
export interface UsersTable {
  table: string;
  nameColumns: string[];
  hasEmail: boolean;
  hasIsActive: boolean;
  /** The column holding a user's language (`language`, `lang` or `locale`), when the table has one. */
  langColumn?: string;
}

/** Where an e-mail reaches an active user, and in which language their row says they read ("fr", "en_US"…). */
export interface Mailbox {
  id: number;
  name: string;
  email: string;
  lang?: string;
}

/** Lookups in the host's users table, which the chat reads and never writes. */
export interface UserLookup {
  readonly table: UsersTable;
  /** The user with this id when they are active, else null. */
  findActive(id: number): Promise<HostUser | null>;
  /** Which of these ids are active users. */
  activeIds(ids: number[]): Promise<Set<number>>;
  /** Users by id, active or not (a former colleague's old messages keep their name). */
  byIds(ids: Iterable<number>): Promise<Map<number, HostUser>>;
  /** Active users whose name or email contains q (case-insensitive), by id. */
  search(q: string, limit: number): Promise<HostUser[]>;
  /** The active users among ids that have an e-mail address (none when the table has no email column). */
  mailboxes(ids: number[]): Promise<Map<number, Mailbox>>;
}

/** Fails fast when the host's users table is missing, and notes which optional columns it has. */
export function describeUsersTable(table: string, nameColumns: string[], columns: string[]): UsersTable {
  if (columns.length === 0) throw new Error(`the users table "${table}" was not found in the database`);
  if (!columns.includes('id')) throw new Error(`the users table "${table}" has no id column`);
  const langColumn = ['language', 'lang', 'locale'].find((c) => columns.includes(c));
  return {
    table,
    nameColumns: nameColumns.filter((c) => columns.includes(c)),
    hasEmail: columns.includes('email'),
    hasIsActive: columns.includes('is_active'),
    ...(langColumn ? { langColumn } : {}),
  };
}

/** A row of the users table, as the driver gives it. */
export type UserRow = Record<string, unknown> & { id: number | string };

/**
 * The least time between two lookups of callers (serialBatches' spacingMs): as many ms as the last one read
 * callers, 2 at least and 10 at most. Requests coming one by one, or a few hundred a second, wait 2 ms at
 * most; feeds opening by the thousand (a restart) gather 10 ms, 30 to 40 callers a statement.
 */
export const callersSpacingMs = (lastBatchSize: number) => Math.min(10, Math.max(2, lastBatchSize));

/** Runs one statement with `?` parameters on the adapter's driver, and resolves its rows. */
export type RunSql = (text: string, params: unknown[]) => Promise<UserRow[]>;

/**
 * The lookups, written once in SQL both dialects read alike, their text put
 * together here and run by the driver itself: every request looks its caller
 * up, and a query builder would spend more CPU composing the statement than
 * the driver spends running it. Parameters are always bound (`?`); only the
 * configured table and column names are written in, quoted.
 */
export function userLookup(u: UsersTable, run: RunSql, dialect: 'mysql' | 'sqlite'): UserLookup {
  const q = (name: string) => (dialect === 'mysql' ? `\`${name.replaceAll('`', '``')}\`` : `"${name.replaceAll('"', '""')}"`);
  const cols = ['id', ...u.nameColumns, ...(u.hasEmail ? ['email'] : [])];
  const from = (extra = '') => `SELECT ${cols.map(q).join(', ')}${extra} FROM ${q(u.table)} WHERE `;
  const active = u.hasIsActive ? `${q('is_active')} = 1` : '1 = 1';
  /** `id IN (?, …)`, one parameter for each id. */
  const idIn = (ids: number[]) => `${q('id')} IN (${ids.map(() => '?').join(', ')})`;
  const toUser = (row: UserRow): HostUser => {
    const name = u.nameColumns.map((c) => row[c]).find((v) => typeof v === 'string' && v.trim() !== '');
    const email = typeof row.email === 'string' && row.email !== '' ? row.email : undefined;
    return { id: Number(row.id), name: (name as string | undefined)?.trim() ?? email ?? `#${row.id}`, ...(email ? { email } : {}) };
  };
  // Every request checks its caller: a burst of feeds opening costs a few statements, not one each. Nothing is cached.
  // A statement costs far more than its few rows: 10 000 feeds opening at once are looked up in about 300
  // statements, not 1600 as with a fixed 2 ms, and open in three quarters of the time (bench/scale.ts).
  const activeUsers = serialBatches<number, HostUser | null>(async (ids) => {
    const found = new Map((await run(`${from()}${idIn([...ids])} AND ${active}`, [...ids])).map((r) => [Number(r.id), toUser(r)]));
    return ids.map((id) => found.get(id) ?? null);
  }, { spacingMs: callersSpacingMs });
  return {
    table: u,
    findActive: (id) => activeUsers.load(id),
    async activeIds(ids) {
      if (!ids.length) return new Set();
      return new Set((await run(`${from()}${idIn(ids)} AND ${active}`, ids)).map((r) => Number(r.id)));
    },
    async byIds(ids) {
      const unique = [...new Set(ids)];
      if (!unique.length) return new Map();
      return new Map((await run(`${from()}${idIn(unique)}`, unique)).map((r) => [Number(r.id), toUser(r)]));
    },
    async search(words, limit) {
      // '!' escapes LIKE wildcards: unlike a backslash it means the same in MySQL and SQLite literals.
      const pattern = `%${words.toLowerCase().replace(/[!%_]/g, (ch) => `!${ch}`)}%`;
      const searched = [...u.nameColumns, ...(u.hasEmail ? ['email'] : [])];
      const match = words && searched.length ? searched.map((c) => `LOWER(${q(c)}) LIKE ? ESCAPE '!'`).join(' OR ') : '1 = 1';
      const params = words && searched.length ? searched.map(() => pattern) : [];
      return (await run(`${from()}${active} AND (${match}) ORDER BY ${q('id')} LIMIT ?`, [...params, limit])).map(toUser);
    },
    async mailboxes(ids) {
      const found = new Map<number, Mailbox>();
      if (!u.hasEmail || !ids.length) return found;
      const lang = u.langColumn ? `, ${q(u.langColumn)} AS ${q('lang_')}` : '';
      const rowsFound = await run(`${from(lang)}${idIn(ids)} AND ${active}`, ids);
      for (const row of rowsFound) {
        const user = toUser(row);
        if (!user.email) continue;
        found.set(user.id, { id: user.id, name: user.name, email: user.email, ...(typeof row.lang_ === 'string' && row.lang_ ? { lang: row.lang_ } : {}) });
      }
      return found;
    },
  };
}

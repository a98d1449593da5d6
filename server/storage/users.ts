import DataLoader from 'dataloader';
import { SQL, StringChunk, type SQLChunk } from 'drizzle-orm';

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

type UserRow = Record<string, unknown> & { id: number | string };

/**
 * The lookups, written once in SQL both dialects read alike; `rows` runs a
 * statement on the adapter's connection. Their text is put together once,
 * here: every request looks its caller up, and Drizzle's builder would spend
 * more CPU composing the statement than the driver spends running it.
 */
export function userLookup(u: UsersTable, rows: (query: SQL) => Promise<UserRow[]>, dialect: 'mysql' | 'sqlite'): UserLookup {
  const q = (name: string) => (dialect === 'mysql' ? `\`${name.replaceAll('`', '``')}\`` : `"${name.replaceAll('"', '""')}"`);
  const cols = ['id', ...u.nameColumns, ...(u.hasEmail ? ['email'] : [])];
  const head = `SELECT ${cols.map(q).join(', ')} FROM ${q(u.table)} WHERE `;
  const active = new StringChunk(u.hasIsActive ? `${q('is_active')} = 1` : '1 = 1');
  const text = (t: string) => new StringChunk(t);
  /** `id IN (…)`, each id a parameter. */
  const idIn = (ids: number[]) => [text(`${q('id')} IN (`), ...ids.flatMap((id, i) => (i ? [text(', '), id] : [id])), text(')')];
  const select = (where: SQLChunk[], limit?: number) =>
    rows(new SQL([text(head), ...where, ...(limit ? [text(` ORDER BY ${q('id')} LIMIT `), limit] : [])]));
  const toUser = (row: UserRow): HostUser => {
    const name = u.nameColumns.map((c) => row[c]).find((v) => typeof v === 'string' && v.trim() !== '');
    const email = typeof row.email === 'string' && row.email !== '' ? row.email : undefined;
    return { id: Number(row.id), name: (name as string | undefined)?.trim() ?? email ?? `#${row.id}`, ...(email ? { email } : {}) };
  };
  // Every request checks its caller. While a lookup is under way, the callers that come meanwhile
  // wait for it to end and are then looked up together, in one statement (a burst of feeds opening
  // costs a few statements, not one each); an idle server looks up at once. Nothing is cached.
  let inFlight = 0;
  const queued: (() => void)[] = [];
  const activeUsers = new DataLoader<number, HostUser | null>(async (ids) => {
    inFlight++;
    try {
      const found = new Map((await select([...idIn([...ids]), text(' AND '), active])).map((r) => [Number(r.id), toUser(r)]));
      return ids.map((id) => found.get(id) ?? null);
    } finally {
      if (--inFlight === 0) for (const run of queued.splice(0)) run();
    }
  }, { cache: false, batchScheduleFn: (run) => (inFlight ? queued.push(run) : setImmediate(run)), maxBatchSize: 1000 });
  return {
    table: u,
    findActive: (id) => activeUsers.load(id),
    async activeIds(ids) {
      if (!ids.length) return new Set();
      return new Set((await select([...idIn(ids), text(' AND '), active])).map((r) => Number(r.id)));
    },
    async byIds(ids) {
      const unique = [...new Set(ids)];
      if (!unique.length) return new Map();
      return new Map((await select(idIn(unique))).map((r) => [Number(r.id), toUser(r)]));
    },
    async search(words, limit) {
      // '!' escapes LIKE wildcards: unlike a backslash it means the same in MySQL and SQLite literals.
      const pattern = `%${words.toLowerCase().replace(/[!%_]/g, (ch) => `!${ch}`)}%`;
      const searched = [...u.nameColumns, ...(u.hasEmail ? ['email'] : [])];
      const match = words && searched.length
        ? searched.flatMap((c, i) => [text(`${i ? ' OR ' : ''}LOWER(${q(c)}) LIKE `), pattern, text(` ESCAPE '!'`)])
        : [text('1 = 1')];
      return (await select([active, text(' AND ('), ...match, text(')')], limit)).map(toUser);
    },
    async mailboxes(ids) {
      const found = new Map<number, Mailbox>();
      if (!u.hasEmail || !ids.length) return found;
      const lang = u.langColumn ? `, ${q(u.langColumn)} AS ${q('lang_')}` : '';
      const rowsFound = await rows(new SQL([text(`SELECT ${cols.map(q).join(', ')}${lang} FROM ${q(u.table)} WHERE `), ...idIn(ids), text(' AND '), active]));
      for (const row of rowsFound) {
        const user = toUser(row);
        if (!user.email) continue;
        found.set(user.id, { id: user.id, name: user.name, email: user.email, ...(typeof row.lang_ === 'string' && row.lang_ ? { lang: row.lang_ } : {}) });
      }
      return found;
    },
  };
}

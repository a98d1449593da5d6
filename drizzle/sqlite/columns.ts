import { customType } from 'drizzle-orm/sqlite-core';

/**
 * DATETIME stored as UTC text 'YYYY-MM-DD HH:MM:SS', the format SQLite's
 * CURRENT_TIMESTAMP and the host's SQLAlchemy write, read back as a Date.
 */
export const datetime = customType<{ data: Date; driverData: string }>({
  dataType: () => 'DATETIME',
  toDriver: (d) => d.toISOString().slice(0, 19).replace('T', ' '),
  fromDriver: (s) => new Date(`${s.replace(' ', 'T')}Z`),
});

import { bigint } from 'drizzle-orm/mysql-core';

/** BIGINT UNSIGNED read as a JS number: chat ids stay far below 2^53. */
export const id = (name: string) => bigint(name, { mode: 'number', unsigned: true });

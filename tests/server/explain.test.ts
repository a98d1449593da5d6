import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireMember, type Me } from '../../server/services/access';
import { eventsAfter, eventsForUser, eventBounds, membersOf, pruneEvents } from '../../server/events/outbox';
import { roomsOfUsers } from '../../server/events/fanout';
import { deleteMessage, editMessage, listMessages, sendMessage } from '../../server/services/messages';
import { searchMessages } from '../../server/services/search';
import { markRead } from '../../server/services/reads';
import { addReaction, removeReaction } from '../../server/services/reactions';
import { getRoom, joinChannel, listChannels, listRooms } from '../../server/services/rooms';
import { listRoomMembers } from '../../server/services/members';
import { memberTally } from '../../server/services/member-counts';
import { pendingNotices, usersFacts } from '../../server/services/digest';
import { acquireLease, releaseLease } from '../../server/services/leases';
import { openDb, type Db } from '../../server/storage';
import { createTestDb, USERS, type TestDb } from './harness';

const ROOMS = 300;
const PER_ROOM = 8;
const MESSAGES = 6000;
const USER_COUNT = 50;
/** A channel of 10 000 members (users 1 to BIG), which user BIG + 1 joins. */
const BIG = 10_000;
const BIG_ROOM = ROOMS + 1;
const BIG_MESSAGES = 300;

/**
 * Every statement the hot paths send to MariaDB — room list with unread
 * and mention counts, reactions, a page of messages, search, sending, read markers, the event feed's
 * replay and live reads, the e-mail pass — is EXPLAINed on tables of a few thousand rows: none
 * may scan a whole chat table. A channel of 10 000 members is joined, opened,
 * paged, searched and posted in: none of that may read every member either.
 */
describe('the hot queries on MariaDB', () => {
  let testDb: TestDb;
  let db: Db;
  const seen: { query: string; params: unknown[] }[] = [];
  const me = (id: number): Me => ({ id, name: `User ${id}`, perms: new Set(['chat.read', 'chat.create', 'chat.update', 'chat.delete']), exp: 0 } as Me);

  beforeAll(async () => {
    const users = [...USERS, ...Array.from({ length: USER_COUNT - USERS.length }, (_, i) => ({
      id: USERS.length + 1 + i, username: `u${i}`, full_name: `User ${i}`, email: null, is_active: 1,
    }))];
    testDb = await createTestDb('mysql', users);
    // MariaDB's sequence tables (seq_1_to_N) fill the tables in one statement each.
    await testDb.exec(`INSERT INTO chat_rooms (id, name, room_type, created_by_id, created_at)
      SELECT seq, CONCAT('Groupe ', seq), IF(seq % 10 = 0, 'channel', 'group'), (seq % ${USER_COUNT}) + 1, NOW() FROM seq_1_to_${ROOMS}`);
    await testDb.exec(`INSERT INTO chat_room_members (room_id, user_id, role, joined_at)
      SELECT r.seq, ((r.seq - 1 + k.seq * 7) % ${USER_COUNT}) + 1, IF(k.seq = 0, 'admin', 'member'), NOW()
      FROM seq_1_to_${ROOMS} r JOIN seq_0_to_${PER_ROOM - 1} k`);
    await testDb.exec(`INSERT INTO chat_messages (id, room_id, sender_id, content, message_type, created_at)
      SELECT seq, (seq % ${ROOMS}) + 1, (((seq % ${ROOMS}) + (seq % ${PER_ROOM}) * 7) % ${USER_COUNT}) + 1,
        CONCAT('message ', seq, IF(seq % 3 = 0, ' la facture est prête', ' bonjour à tous')), IF(seq % 20 = 0, 'file', 'text'), NOW()
      FROM seq_1_to_${MESSAGES}`);
    await testDb.exec(`INSERT INTO chat_attachments (message_id, file_name, file_path, file_size, file_type, file_extension)
      SELECT id, 'devis.pdf', CONCAT(room_id, '/', id, '/x.pdf'), 100, 'application/pdf', 'pdf' FROM chat_messages WHERE message_type = 'file'`);
    await testDb.exec(`UPDATE chat_rooms r SET last_message_id = (SELECT MAX(id) FROM chat_messages m WHERE m.room_id = r.id)`);
    await testDb.exec(`UPDATE chat_room_members m SET last_read_message_id = (SELECT MAX(id) - 40 FROM chat_messages x WHERE x.room_id = m.room_id)`);
    await testDb.exec(`INSERT INTO chat_events (id, room_id, type, data, audience, created_at, message_id)
      SELECT seq, (seq % ${ROOMS}) + 1, 'message.created', '{}', IF(seq % 100 = 0, '1,2', NULL), NOW(3), seq FROM seq_1_to_${MESSAGES}`);
    await testDb.exec(`INSERT INTO chat_reactions (message_id, user_id, emoji)
      SELECT m.id, ((m.id + k.seq) % ${USER_COUNT}) + 1, ELT(k.seq + 1, '👍', '❤️', '😂') FROM chat_messages m JOIN seq_0_to_2 k WHERE m.id % 4 = 0`);
    await testDb.exec(`INSERT INTO chat_mentions (message_id, user_id, room_id)
      SELECT m.id, mb.user_id, m.room_id FROM chat_messages m JOIN chat_room_members mb ON mb.room_id = m.room_id WHERE m.id % 7 = 0 AND mb.role = 'member'`);
    await testDb.exec(`INSERT INTO users (id, username, full_name, email, is_active)
      SELECT seq, CONCAT('m', seq), CONCAT('Membre ', seq), NULL, 1 FROM seq_${USER_COUNT + 1}_to_${BIG + 1}`);
    await testDb.exec(`INSERT INTO chat_rooms (id, name, room_type, created_by_id, created_at) VALUES (${BIG_ROOM}, 'Tout le monde', 'channel', 1, NOW())`);
    await testDb.exec(`INSERT INTO chat_room_members (room_id, user_id, role, joined_at, last_read_message_id)
      SELECT ${BIG_ROOM}, seq, IF(seq = 1, 'admin', 'member'), NOW(), IF(seq % 3 = 0, NULL, ${MESSAGES} + seq % ${BIG_MESSAGES}) FROM seq_1_to_${BIG}`);
    await testDb.exec(`INSERT INTO chat_messages (id, room_id, sender_id, content, message_type, created_at)
      SELECT ${MESSAGES} + seq, ${BIG_ROOM}, seq, CONCAT('annonce ', seq), 'text', NOW() FROM seq_1_to_${BIG_MESSAGES}`);
    await testDb.exec(`UPDATE chat_rooms SET last_message_id = ${MESSAGES + BIG_MESSAGES} WHERE id = ${BIG_ROOM}`);
    await testDb.exec('ANALYZE TABLE chat_rooms, chat_room_members, chat_messages, chat_attachments, chat_events, chat_message_reads, chat_reactions, chat_mentions');
    db = await openDb(testDb.url, { usersTable: 'users', nameColumns: ['full_name', 'username'], logQuery: (query, params) => seen.push({ query, params }) });
  });
  afterAll(async () => {
    await db?.close();
    await testDb?.drop();
  });

  it('uses an index for every statement on a chat table', async () => {
    const room = (await listRooms(db, me(1), { filter: 'all' }))[0].id;
    await listRooms(db, me(1), { filter: 'unread' });
    await listChannels(db, me(1));
    const other = (await getRoom(db, me(1), room)).members!.find((m) => m.userId !== 1)!.userId;
    await requireMember(db, me(1), room);
    const page = await listMessages(db, me(1), room, {});
    await listMessages(db, me(1), room, { before: page.messages[0].id });
    await listMessages(db, me(1), room, { after: page.messages[0].id, limit: 10 });
    await listMessages(db, me(1), room, { around: page.messages[10].id, limit: 20 });
    await searchMessages(db, me(1), 'facture');
    const found = await searchMessages(db, me(1), 'facture prête', { roomId: room });
    await searchMessages(db, me(1), 'facture', { before: found.at(-1)?.id ?? 1000, limit: 20 });
    const sent = await sendMessage(db, me(1), room, { content: 'nouveau', clientId: 'explain-1', replyToId: page.messages[0].id });
    await sendMessage(db, me(1), room, { content: 'nouveau', clientId: 'explain-1' });
    await markRead(db, me(other), room, sent.message.id);
    // An edit and a deletion rewrite the events of the message and of the replies quoting it.
    await sendMessage(db, me(1), room, { content: 'réponse', clientId: 'explain-2', replyToId: sent.message.id });
    await editMessage(db, me(1), sent.message.id, 'corrigé');
    // Reactions and mentions: added, removed, a mention by name and an <@all> (the room's admin), edited.
    await addReaction(db, me(other), sent.message.id, '👍');
    await removeReaction(db, me(other), sent.message.id, '👍');
    await addReaction(db, me(other), sent.message.id, '🎉');
    await sendMessage(db, me(1), room, { content: `<@${other}> <@all> regardez`, clientId: 'explain-3' });
    await editMessage(db, me(1), sent.message.id, `corrigé pour <@${other}>`);
    await deleteMessage(db, me(1), sent.message.id, '/nonexistent-upload-dir');
    // The channel of 10 000 members: its page in the list and among the channels, opened, paged, searched, joined, posted in.
    const big = await getRoom(db, me(2), BIG_ROOM);
    expect(big).toMatchObject({ memberCount: BIG });
    expect(big.members).toHaveLength(100);
    await listRooms(db, me(2), { filter: 'all' });
    expect((await memberTally(db, BIG_ROOM)).memberCount).toBe(BIG);
    const bigPage = await listMessages(db, me(2), BIG_ROOM, {});
    await listMessages(db, me(2), BIG_ROOM, { before: bigPage.messages[0].id });
    const members = await listRoomMembers(db, me(2), BIG_ROOM, { after: 5000, limit: 500 });
    expect(members.members[0].userId).toBe(5001);
    await listRoomMembers(db, me(2), BIG_ROOM, { limit: 20, q: 'membre 42' });
    expect((await joinChannel(db, me(BIG + 1), BIG_ROOM)).memberCount).toBe(BIG + 1);
    const posted = await sendMessage(db, me(BIG + 1), BIG_ROOM, { content: 'bonjour à tous', clientId: 'explain-big' });
    await markRead(db, me(2), BIG_ROOM, posted.message.id);
    await eventsForUser(db, 1, 0, 500);
    await eventsForUser(db, 1, MESSAGES - 100, 500);
    await eventsAfter(db, MESSAGES - 50, 500);
    await membersOf(db, [1, 2, 3]);
    await roomsOfUsers(db, [1, other]);
    await eventBounds(db);
    await pruneEvents(db, new Date(Date.now() - 24 * 3600_000));
    // The e-mail pass: its lease, what is due (mentions, direct rooms, the rooms of those who chose "all"), the users' facts.
    await db.upsert(db.t.preferences, { userId: 2, email: 'all', emailDelayMinutes: 15, sound: true, updatedAt: new Date() }, db.t.preferences.userId, { email: 'all' });
    await acquireLease(db, 'mail', 'explain', new Date(), 60_000);
    // Its window: the last day of a longer history (the optimizer reads the mentions of the window, not every membership).
    await testDb.exec(`UPDATE chat_messages SET created_at = NOW() - INTERVAL 3 DAY WHERE id <= ${MESSAGES - 200}`);
    await testDb.exec('ANALYZE TABLE chat_messages, chat_mentions, chat_room_members');
    const due = await pendingNotices(db, new Date(Date.now() + 3600_000), 24 * 3600_000);
    expect(due.size).toBeGreaterThan(0);
    await usersFacts(db, [...due.keys()].slice(0, 50));
    await releaseLease(db, 'mail', 'explain');

    // A scan of a table of a few rows is what the optimizer should do: only the tables filled above count.
    const sizes = new Map((await testDb.exec(
      "SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'chat\\_%'",
    )).map((r) => [String(r.t), 0]));
    for (const t of sizes.keys()) sizes.set(t, Number((await testDb.exec(`SELECT COUNT(*) AS n FROM ${t}`))[0].n));
    expect(sizes.get('chat_messages')).toBeGreaterThan(MESSAGES);
    const scans: string[] = [];
    let explained = 0;
    for (const { query, params } of seen) {
      if (!/^\s*(select|update|delete)\b/i.test(query)) continue;
      explained++;
      const plan = await testDb.exec(`EXPLAIN ${query}`, params);
      for (const step of plan) {
        const table = String(step.table ?? '');
        // <derivedN>/<subqueryN> are the query's own temporary results, users the host's table.
        // A full index scan of the members is a scan of every member too.
        if ((sizes.get(table) ?? 0) >= 100 && (step.type === 'ALL' || (table === 'chat_room_members' && step.type === 'index'))) {
          scans.push(`${table} in: ${query}`);
        }
      }
    }
    expect(explained).toBeGreaterThan(25);
    expect(scans).toEqual([]);
  });
});

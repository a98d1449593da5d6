/** The values of the seed's ENUM columns, shared by both dialects' tables. */
export const roomTypes = ['direct', 'group', 'channel'] as const;
export const memberRoles = ['member', 'admin', 'moderator'] as const;
export const messageTypes = ['text', 'file', 'system'] as const;
/** What a user is e-mailed about while away: nothing, direct messages and mentions, or every unread message. */
export const emailModes = ['off', 'mentions', 'all'] as const;

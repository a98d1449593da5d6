import type { SystemEvent } from './views';

/**
 * The words of an export, in the widget's two languages. System messages are
 * worded as the widget words them (widget/i18n.ts), so the file reads like
 * the conversation on screen.
 */
const fr = {
  headers: { date: 'Date', sender: 'Expéditeur', text: 'Message', reply: 'Réponse à', attachments: 'Pièces jointes' },
  sheet: 'Messages',
  about: 'Conversation',
  room: 'Conversation',
  participants: 'Participants',
  period: 'Période',
  exportedAt: 'Exportée le',
  timeZone: 'Fuseau horaire',
  zoneNote: (tz: string) => `Les dates sont données dans le fuseau horaire ${tz}.`,
  more: (n: number) => `et ${n} autre${n > 1 ? 's' : ''}`,
  from: (a: string, b: string) => `du ${a} au ${b}`,
  noMessages: 'Aucun message',
  deleted: 'Message supprimé',
  edited: 'modifié',
  everyone: 'tous',
  replyTo: (name: string) => `Réponse à ${name}`,
  attachments: 'Pièces jointes',
  created: (a: string) => `${a} a créé la conversation`,
  renamed: (a: string, name: string) => `${a} a renommé la conversation en « ${name} »`,
  added: (a: string, u: string) => `${a} a ajouté ${u}`,
  joined: (u: string) => `${u} a rejoint la conversation`,
  removed: (a: string, u: string) => `${a} a retiré ${u}`,
  left: (u: string) => `${u} a quitté la conversation`,
  quote: (text: string) => `« ${text} »`,
  /** The reply column: who is quoted, and what. */
  reply: (sender: string, excerpt: string) => (excerpt ? `${sender} : « ${excerpt} »` : sender),
  /** A list of attachments, after its label. */
  colon: ' : ',
  untitled: 'Conversation',
};

export type ExportWords = typeof fr;

const en: ExportWords = {
  headers: { date: 'Date', sender: 'Sender', text: 'Message', reply: 'Reply to', attachments: 'Attachments' },
  sheet: 'Messages',
  about: 'Conversation',
  room: 'Conversation',
  participants: 'Participants',
  period: 'Period',
  exportedAt: 'Exported on',
  timeZone: 'Time zone',
  zoneNote: (tz) => `Dates are in the ${tz} time zone.`,
  more: (n) => `and ${n} more`,
  from: (a, b) => `from ${a} to ${b}`,
  noMessages: 'No messages',
  deleted: 'Message deleted',
  edited: 'edited',
  everyone: 'all',
  replyTo: (name) => `Reply to ${name}`,
  attachments: 'Attachments',
  created: (a) => `${a} created the conversation`,
  renamed: (a, name) => `${a} renamed the conversation to “${name}”`,
  added: (a, u) => `${a} added ${u}`,
  joined: (u) => `${u} joined the conversation`,
  removed: (a, u) => `${a} removed ${u}`,
  left: (u) => `${u} left the conversation`,
  quote: (text) => `“${text}”`,
  reply: (sender, excerpt) => (excerpt ? `${sender}: “${excerpt}”` : sender),
  colon: ': ',
  untitled: 'Conversation',
};

export const exportWords = { fr, en };

/** What a system message tells, in words (as the widget says it). */
export function systemText(w: ExportWords, senderName: string, s: SystemEvent): string {
  const user = s.userName ?? '';
  switch (s.action) {
    case 'room.created': return w.created(senderName);
    case 'room.renamed': return w.renamed(senderName, s.name ?? '');
    case 'member.added': return s.userId === s.actorId ? w.joined(user) : w.added(senderName, user);
    case 'member.removed': return w.removed(senderName, user);
    case 'member.left': return w.left(user);
  }
}

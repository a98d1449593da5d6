import type { SystemEvent } from './types';
import { launcherStrings } from './launcher-i18n';

export { pickLang } from './launcher-i18n';

const fr = {
  ...launcherStrings.fr,
  conversations: 'Conversations',
  search: 'Rechercher une conversation',
  filters: 'Filtres',
  all: 'Tous',
  unreadFilter: 'Non lus',
  groups: 'Groupes',
  directs: 'Directs',
  newChat: 'Nouvelle conversation',
  newGroup: 'Nouveau groupe',
  channels: 'Canaux publics',
  noRooms: 'Aucune conversation',
  noMessages: 'Aucun message pour le moment',
  back: 'Retour',
  settings: 'Paramètres',
  message: 'Message',
  messages: 'Messages',
  send: 'Envoyer',
  attach: 'Joindre des fichiers',
  removeFile: (name: string) => `Retirer ${name}`,
  tooManyFiles: (max: number) => `Un message emporte ${max} fichiers au plus : les autres n’ont pas été ajoutés.`,
  fileRefused: (name: string) => `${name} : ce type de fichier n’est pas accepté (PDF, Office, images, ZIP, RAR, 7z).`,
  reply: 'Répondre',
  edit: 'Modifier',
  delete: 'Supprimer',
  confirmDelete: 'Supprimer ce message ?',
  retry: 'Réessayer',
  cancel: 'Annuler',
  save: 'Enregistrer',
  replyingTo: (name: string) => `Réponse à ${name}`,
  editing: 'Modification du message',
  edited: 'modifié',
  deleted: 'Message supprimé',
  sending: 'Envoi…',
  failed: 'Échec de l’envoi',
  readBySome: (n: number) => `Lu par ${n}`,
  readByAtLeast: (n: number) => `Lu par au moins ${n}`,
  readByAll: 'Lu par tous',
  loadOlder: 'Messages précédents',
  newMessages: 'Nouveaux messages',
  typing: (names: string[]) =>
    names.length === 1 ? `${names[0]} écrit…` : `${names.join(', ')} écrivent…`,
  download: (name: string) => `Télécharger ${name}`.trim(),
  enlarge: (name: string) => `Agrandir ${name}`,
  searchUsers: 'Rechercher une personne',
  groupName: 'Nom du groupe',
  create: 'Créer',
  members: 'Membres',
  addMember: 'Ajouter un membre',
  moreMembers: 'Voir plus',
  remove: (name: string) => `Retirer ${name}`,
  roleOf: (name: string) => `Rôle de ${name}`,
  roles: { admin: 'Administrateur', moderator: 'Modérateur', member: 'Membre' } as Record<string, string>,
  rename: 'Nom de la conversation',
  mute: 'Mettre en sourdine',
  muted: 'En sourdine',
  leave: 'Quitter la conversation',
  confirmLeave: 'Quitter cette conversation ?',
  hide: 'Masquer la conversation',
  hideHint: 'Elle disparaît de votre liste, historique conservé, et revient au prochain message.',
  notifications: 'Activer les notifications',
  notificationSettings: 'Préférences de notification',
  emailTitle: 'E-mails pendant votre absence',
  emailModes: { off: 'Aucun e-mail', mentions: 'Messages directs et mentions', all: 'Tous les messages non lus' } as Record<'off' | 'mentions' | 'all', string>,
  emailDelay: 'Délai avant l’e-mail',
  emailHint: 'Un seul e-mail récapitulatif, si vous n’avez pas ouvert le chat entre-temps.',
  emailUnavailable: 'Les e-mails ne sont pas disponibles pour votre compte.',
  delayOption: (minutes: number) => (minutes < 60 ? `${minutes} min` : `${minutes / 60} h`),
  soundTitle: 'Son',
  sound: 'Jouer un son à l’arrivée d’un message',
  error: 'Une erreur est survenue',
  offline: 'Connexion perdue, reconnexion…',
  dropHere: 'Déposez les fichiers ici',
  today: 'Aujourd’hui',
  yesterday: 'Hier',
  discuss: (label: string) => `Discuter de ${label}`,
  notMember: 'Vous n’avez pas accès à la conversation de ce dossier : demandez à un collègue de vous y ajouter.',
  loading: 'Chargement…',
  noRoomFound: 'Aucune conversation de ce nom',
  searching: 'Recherche…',
  messagesFound: 'Messages',
  moreResults: 'Plus de résultats',
  noResults: 'Aucun message trouvé',
  pickConversation: 'Sélectionnez une conversation pour commencer',
  online: 'en ligne',
  seenAt: (when: string) => `vu ${when}`,
  memberCount: (n: number) => (n === 1 ? '1 membre' : `${n} membres`),
  searchInRoom: 'Rechercher dans la conversation',
  closeSearch: 'Fermer la recherche',
  emptyRoom: 'Aucun message pour le moment : écrivez le premier.',
  emptyRecord: 'Personne d’autre ici pour l’instant : ajoutez les collègues concernés par ce dossier.',
  addPeople: 'Ajouter des personnes',
  discard: 'Abandonner',
  unreadLine: 'Nouveaux messages',
  toLatest: 'Aller aux derniers messages',
  newBelow: (n: number) => (n === 1 ? '1 nouveau message' : `${n} nouveaux messages`),
  sent: 'Envoyé',
  settingsOf: (name: string) => `Paramètres de ${name}`,
  created: (a: string) => `${a} a créé la conversation`,
  renamed: (a: string, name: string) => `${a} a renommé la conversation en « ${name} »`,
  added: (a: string, u: string) => `${a} a ajouté ${u}`,
  joined: (u: string) => `${u} a rejoint la conversation`,
  removed: (a: string, u: string) => `${a} a retiré ${u}`,
  left: (u: string) => `${u} a quitté la conversation`,
  at: 'à',
  exportTitle: 'Exporter la conversation',
  exportXlsx: 'Exporter en Excel',
  exportPdf: 'Exporter en PDF',
  exporting: (size: string) => (size ? `Export en cours… ${size}` : 'Export en cours…'),
};

export type Strings = typeof fr;

const en: Strings = {
  ...launcherStrings.en,
  conversations: 'Conversations',
  search: 'Search conversations',
  filters: 'Filters',
  all: 'All',
  unreadFilter: 'Unread',
  groups: 'Groups',
  directs: 'Direct',
  newChat: 'New conversation',
  newGroup: 'New group',
  channels: 'Public channels',
  noRooms: 'No conversations',
  noMessages: 'No messages yet',
  back: 'Back',
  settings: 'Settings',
  message: 'Message',
  messages: 'Messages',
  send: 'Send',
  attach: 'Attach files',
  removeFile: (name) => `Remove ${name}`,
  tooManyFiles: (max) => `A message carries at most ${max} files: the others were not added.`,
  fileRefused: (name) => `${name}: this type of file is not accepted (PDF, Office, pictures, ZIP, RAR, 7z).`,
  reply: 'Reply',
  edit: 'Edit',
  delete: 'Delete',
  confirmDelete: 'Delete this message?',
  retry: 'Retry',
  cancel: 'Cancel',
  save: 'Save',
  replyingTo: (name) => `Replying to ${name}`,
  editing: 'Editing message',
  edited: 'edited',
  deleted: 'Message deleted',
  sending: 'Sending…',
  failed: 'Not sent',
  readBySome: (n) => `Read by ${n}`,
  readByAtLeast: (n) => `Read by at least ${n}`,
  readByAll: 'Read by everyone',
  loadOlder: 'Earlier messages',
  newMessages: 'New messages',
  typing: (names) => (names.length === 1 ? `${names[0]} is typing…` : `${names.join(', ')} are typing…`),
  download: (name) => `Download ${name}`.trim(),
  enlarge: (name) => `Enlarge ${name}`,
  searchUsers: 'Search people',
  groupName: 'Group name',
  create: 'Create',
  members: 'Members',
  addMember: 'Add a member',
  moreMembers: 'Show more',
  remove: (name) => `Remove ${name}`,
  roleOf: (name) => `Role of ${name}`,
  roles: { admin: 'Admin', moderator: 'Moderator', member: 'Member' },
  rename: 'Conversation name',
  mute: 'Mute',
  muted: 'Muted',
  leave: 'Leave conversation',
  confirmLeave: 'Leave this conversation?',
  hide: 'Hide conversation',
  hideHint: 'It leaves your list, history kept, and comes back with the next message.',
  notifications: 'Enable notifications',
  notificationSettings: 'Notification settings',
  emailTitle: 'E-mails while you are away',
  emailModes: { off: 'No e-mail', mentions: 'Direct messages and mentions', all: 'All unread messages' },
  emailDelay: 'Delay before the e-mail',
  emailHint: 'One summary e-mail, if you have not opened the chat in the meantime.',
  emailUnavailable: 'E-mail is not available for your account.',
  delayOption: (minutes: number) => (minutes < 60 ? `${minutes} min` : `${minutes / 60} h`),
  soundTitle: 'Sound',
  sound: 'Play a sound when a message arrives',
  error: 'Something went wrong',
  offline: 'Connection lost, reconnecting…',
  dropHere: 'Drop files here',
  today: 'Today',
  yesterday: 'Yesterday',
  discuss: (label) => `Discuss ${label}`,
  notMember: 'You have no access to this record’s conversation: ask a colleague to add you.',
  loading: 'Loading…',
  noRoomFound: 'No conversation by that name',
  searching: 'Searching…',
  messagesFound: 'Messages',
  moreResults: 'More results',
  noResults: 'No message found',
  pickConversation: 'Pick a conversation to start',
  online: 'online',
  seenAt: (when) => `seen ${when}`,
  memberCount: (n) => (n === 1 ? '1 member' : `${n} members`),
  searchInRoom: 'Search this conversation',
  closeSearch: 'Close the search',
  emptyRoom: 'No messages yet: write the first one.',
  emptyRecord: 'Nobody else here yet: add the colleagues this record concerns.',
  addPeople: 'Add people',
  discard: 'Discard',
  unreadLine: 'New messages',
  toLatest: 'Go to the latest messages',
  newBelow: (n) => (n === 1 ? '1 new message' : `${n} new messages`),
  sent: 'Sent',
  settingsOf: (name) => `Settings of ${name}`,
  created: (a) => `${a} created the conversation`,
  renamed: (a, name) => `${a} renamed the conversation to “${name}”`,
  added: (a, u) => `${a} added ${u}`,
  joined: (u) => `${u} joined the conversation`,
  removed: (a, u) => `${a} removed ${u}`,
  left: (u) => `${u} left the conversation`,
  at: 'at',
  exportTitle: 'Export the conversation',
  exportXlsx: 'Export to Excel',
  exportPdf: 'Export to PDF',
  exporting: (size) => (size ? `Exporting… ${size}` : 'Exporting…'),
};

/** Strings and date formatting for one language; a new object whenever the language changes. */
export interface I18n {
  lang: 'fr' | 'en';
  t: Strings;
  time(iso: string): string;
  /** The time for today, else the date: for lists. */
  when(iso: string): string;
  day(iso: string): string;
  size(bytes: number): string;
  /** The full date and time, for a title on hover. */
  full(iso: string): string;
  /** When someone was last seen: "à 14:32" today, "hier à 14:32", else the date. */
  seen(iso: string): string;
  /** What a system message tells, in words. */
  system(m: { senderName: string; system?: SystemEvent }, meId?: number): string;
}

/**
 * The strings until a provider gives the element its own: one shared
 * instance, since every message element starts with it.
 */
export const defaultI18n = createI18n('fr');

/** Builds the strings and formatters; dates use the browser's regional variant of the language. */
export function createI18n(lang: 'fr' | 'en'): I18n {
  const locale = navigator.languages?.find((l) => l.toLowerCase().startsWith(lang)) ?? lang;
  const t = lang === 'en' ? en : fr;
  const timeFmt = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
  const dayFmt = new Intl.DateTimeFormat(locale, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
  const dateFmt = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short' });
  const fullFmt = new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'short' });
  const unit = lang === 'fr' ? ['o', 'Ko', 'Mo', 'Go'] : ['B', 'KB', 'MB', 'GB'];
  const num = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  const size = (bytes: number) => {
    let i = 0;
    while (bytes >= 1024 && i < unit.length - 1) (bytes /= 1024), i++;
    return `${num.format(bytes)} ${unit[i]}`;
  };
  return {
    lang,
    t,
    time: (iso) => timeFmt.format(new Date(iso)),
    when: (iso) => (new Date(iso).toDateString() === new Date().toDateString() ? timeFmt : dateFmt).format(new Date(iso)),
    day(iso) {
      const d = new Date(iso).toDateString();
      const now = new Date();
      if (d === now.toDateString()) return t.today;
      if (d === new Date(now.getTime() - 864e5).toDateString()) return t.yesterday;
      return dayFmt.format(new Date(iso));
    },
    size,
    full: (iso) => fullFmt.format(new Date(iso)),
    seen(iso) {
      const d = new Date(iso);
      const time = timeFmt.format(d);
      if (d.toDateString() === new Date().toDateString()) return `${t.at} ${time}`;
      if (d.toDateString() === new Date(Date.now() - 864e5).toDateString()) return `${t.yesterday.toLowerCase()} ${t.at} ${time}`;
      return `${dateFmt.format(d)} ${t.at} ${time}`;
    },
    system({ senderName, system: s }) {
      if (!s) return '';
      const user = s.userName ?? '';
      switch (s.action) {
        case 'room.created': return t.created(senderName);
        case 'room.renamed': return t.renamed(senderName, s.name ?? '');
        case 'member.added': return s.userId === s.actorId ? t.joined(user) : t.added(senderName, user);
        case 'member.removed': return t.removed(senderName, user);
        case 'member.left': return t.left(user);
      }
    },
  };
}

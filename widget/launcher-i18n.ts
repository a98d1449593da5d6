/**
 * The words the launcher and the notifications need on every page, before the
 * panel (and the rest of the strings, i18n.ts) has loaded.
 */
const fr = {
  chat: 'Messagerie',
  open: 'Ouvrir la messagerie',
  close: 'Fermer la messagerie',
  unread: (n: number) => (n === 1 ? '1 message non lu' : `${n} messages non lus`),
  newMessageFrom: (name: string) => `Nouveau message de ${name}`,
  mentionedBy: (name: string) => `${name} vous a mentionné`,
  mentioned: 'vous êtes mentionné',
  everyone: 'tous',
  attachment: 'Pièce jointe',
};

export type LauncherStrings = typeof fr;

const en: LauncherStrings = {
  chat: 'Chat',
  open: 'Open chat',
  close: 'Close chat',
  unread: (n) => (n === 1 ? '1 unread message' : `${n} unread messages`),
  newMessageFrom: (name) => `New message from ${name}`,
  mentionedBy: (name) => `${name} mentioned you`,
  mentioned: 'you are mentioned',
  everyone: 'all',
  attachment: 'Attachment',
};

export const launcherStrings = { fr, en };

/** Picks the UI language from the element's `lang`, else the page's, French by default. */
export function pickLang(...candidates: (string | null | undefined)[]): 'fr' | 'en' {
  for (const c of candidates) {
    const base = c?.slice(0, 2).toLowerCase();
    if (base === 'fr' || base === 'en') return base;
  }
  return 'fr';
}

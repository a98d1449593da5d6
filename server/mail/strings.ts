/** The words of the e-mails and of the unsubscribe page, in the languages the widget speaks. */
export type MailLang = 'fr' | 'en';

const fr = {
  unread: (n: number) => (n === 1 ? '1 message non lu' : `${n} messages non lus`),
  hello: (name: string) => `Bonjour ${name},`,
  intro: 'des messages vous attendent dans le chat pendant votre absence :',
  open: 'Ouvrir la conversation',
  openChat: 'Ouvrir le chat',
  more: (n: number) => (n === 1 ? 'et 1 message de plus' : `et ${n} messages de plus`),
  moreRooms: (n: number) => (n === 1 ? 'Et 1 autre conversation.' : `Et ${n} autres conversations.`),
  attachment: 'Pièce jointe',
  everyone: 'tous',
  why: { mentions: 'Vous recevez cet e-mail pour les messages directs et les mentions que vous n’avez pas lus.', all: 'Vous recevez cet e-mail pour les messages que vous n’avez pas lus.' },
  settings: 'Vos préférences de notification se règlent dans le chat.',
  unsubscribe: 'Ne plus recevoir ces e-mails',
  page: {
    title: 'Notifications par e-mail',
    ask: 'Ne plus recevoir les e-mails de notification du chat ?',
    confirm: 'Me désabonner',
    done: 'C’est fait : vous ne recevrez plus d’e-mails de notification du chat. Vous pouvez les réactiver dans les préférences du chat.',
  },
};

const en: typeof fr = {
  unread: (n) => (n === 1 ? '1 unread message' : `${n} unread messages`),
  hello: (name) => `Hello ${name},`,
  intro: 'messages came for you in the chat while you were away:',
  open: 'Open the conversation',
  openChat: 'Open the chat',
  more: (n) => (n === 1 ? 'and 1 more message' : `and ${n} more messages`),
  moreRooms: (n) => (n === 1 ? 'And 1 other conversation.' : `And ${n} other conversations.`),
  attachment: 'Attachment',
  everyone: 'all',
  why: { mentions: 'You get this e-mail for the direct messages and mentions you have not read.', all: 'You get this e-mail for the messages you have not read.' },
  settings: 'Your notification preferences are in the chat.',
  unsubscribe: 'Stop these e-mails',
  page: {
    title: 'E-mail notifications',
    ask: 'Stop receiving the chat’s notification e-mails?',
    confirm: 'Unsubscribe',
    done: 'Done: you will get no more notification e-mails from the chat. You can turn them back on in the chat’s preferences.',
  },
};

const strings: Record<MailLang, typeof fr> = { fr, en };

/** A user's language as the host stores it ("en", "en_US", "EN-gb"…), one of ours, or the fallback. */
export function mailLang(value: string | undefined, fallback: MailLang): MailLang {
  const code = value?.slice(0, 2).toLowerCase();
  return code === 'fr' || code === 'en' ? code : fallback;
}

/** The words in a language. */
export const wordsOf = (lang: MailLang) => strings[lang];

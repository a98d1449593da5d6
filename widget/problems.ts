import { ApiError, type Problem } from './api';
import type { I18n } from './i18n';

/**
 * The widget's own words for what the server refused, from the problem's
 * `code` and `reason` (docs/api.md, Errors) and its facts: the server's
 * English `detail` is for developers and never shown.
 */
type Words = (p: Problem, size: (bytes: number) => string) => string;
type Table = Record<string, string | Words>;

const permFr: Record<string, string> = {
  'chat.read': 'de lire la messagerie', 'chat.create': 'd’écrire', 'chat.update': 'de modifier vos messages',
  'chat.delete': 'de supprimer des messages', 'chat.manage_rooms': 'de gérer les conversations',
};
const permEn: Record<string, string> = {
  'chat.read': 'read the chat', 'chat.create': 'write', 'chat.update': 'edit your messages',
  'chat.delete': 'delete messages', 'chat.manage_rooms': 'manage conversations',
};

const fr: Table = {
  network: 'Connexion impossible : vérifiez le réseau, nouvel essai en cours.',
  'bad-request': 'La demande n’a pas pu être traitée.',
  unauthorized: 'Votre session a expiré : rechargez la page.',
  forbidden: 'Vous n’avez pas le droit de faire cela.',
  'not-found': 'Cette conversation ou ce message n’existe plus, ou vous n’y avez pas accès.',
  conflict: 'Cette action n’est plus possible.',
  'too-large': 'C’est trop volumineux.',
  'unsupported-type': 'Ce type de fichier n’est pas accepté.',
  'rate-limited': (p) => `Trop de demandes d’un coup : réessayez dans ${p.retryAfter ?? 5} s.`,
  internal: 'Une erreur est survenue sur le serveur.',
  unavailable: 'La messagerie est momentanément indisponible : nouvel essai dans un instant.',
  'content-mismatch': (p) => `${p.fileName} : son contenu n’est pas celui d’un fichier .${p.extension}.`,
  'file-type': (p) => `${p.fileName} : ce type de fichier n’est pas accepté (PDF, Office, images, ZIP, RAR, 7z).`,
  'file-too-large': (p, size) => `${p.fileName} dépasse la taille autorisée (${size(p.maxBytes ?? 0)}).`,
  'too-many-files': (p) => `Un message emporte ${p.maxFiles} fichiers au plus.`,
  'image-pixels': (p) => `${p.fileName} : l’image est trop grande pour être envoyée.`,
  'empty-file': (p) => `${p.fileName} est vide.`,
  'upload-stalled': 'L’envoi des fichiers s’est interrompu.',
  'upload-cut': 'L’envoi des fichiers s’est interrompu.',
  permission: (p) => `Votre compte ne vous permet pas ${permFr[p.permission ?? ''] ?? 'de faire cela'}.`,
  'room-role': 'Seuls les administrateurs et modérateurs de la conversation peuvent faire cela.',
  'not-sender': 'Seul l’auteur du message peut faire cela.',
  'inactive-user': 'Votre compte n’a pas accès à la messagerie.',
  'direct-room': 'Une conversation directe réunit deux personnes.',
  'already-member': 'Cette personne fait déjà partie de la conversation.',
  'last-admin': 'Une conversation garde au moins un administrateur : nommez-en un autre d’abord.',
  'message-deleted': 'Ce message a été supprimé.',
  'empty-message': 'Le message est vide.',
  'empty-name': 'Donnez un nom à la conversation.',
  'too-long': 'Le texte est trop long.',
};

const en: Table = {
  network: 'Cannot reach the server: check the network, trying again.',
  'bad-request': 'The request could not be handled.',
  unauthorized: 'Your session has expired: reload the page.',
  forbidden: 'You are not allowed to do this.',
  'not-found': 'This conversation or message no longer exists, or you have no access to it.',
  conflict: 'This can no longer be done.',
  'too-large': 'This is too large.',
  'unsupported-type': 'This type of file is not accepted.',
  'rate-limited': (p) => `Too many requests at once: try again in ${p.retryAfter ?? 5} s.`,
  internal: 'Something went wrong on the server.',
  unavailable: 'The chat is unavailable for a moment: trying again shortly.',
  'content-mismatch': (p) => `${p.fileName}: its content is not that of a .${p.extension} file.`,
  'file-type': (p) => `${p.fileName}: this type of file is not accepted (PDF, Office, pictures, ZIP, RAR, 7z).`,
  'file-too-large': (p, size) => `${p.fileName} is larger than allowed (${size(p.maxBytes ?? 0)}).`,
  'too-many-files': (p) => `A message carries at most ${p.maxFiles} files.`,
  'image-pixels': (p) => `${p.fileName}: the picture is too large to be sent.`,
  'empty-file': (p) => `${p.fileName} is empty.`,
  'upload-stalled': 'Sending the files was interrupted.',
  'upload-cut': 'Sending the files was interrupted.',
  permission: (p) => `Your account does not allow you to ${permEn[p.permission ?? ''] ?? 'do this'}.`,
  'room-role': 'Only the admins and moderators of the conversation can do this.',
  'not-sender': 'Only the author of the message can do this.',
  'inactive-user': 'Your account has no access to the chat.',
  'direct-room': 'A direct conversation is between two people.',
  'already-member': 'This person is already in the conversation.',
  'last-admin': 'A conversation keeps at least one admin: name another one first.',
  'message-deleted': 'This message was deleted.',
  'empty-message': 'The message is empty.',
  'empty-name': 'Give the conversation a name.',
  'too-long': 'The text is too long.',
};

/** Words a failure in the language: the reason's words, else the code's, else a generic sentence. */
export function problemText(lang: 'fr' | 'en', e: unknown, size: (bytes: number) => string, fallback: string): string {
  const table = lang === 'en' ? en : fr;
  if (!(e instanceof ApiError)) return e instanceof TypeError ? (table.network as string) : fallback;
  if (e.status === 0) return table.network as string;
  const words = table[e.reason ?? ''] ?? table[e.code ?? ''];
  if (!words) return fallback;
  return typeof words === 'string' ? words : words(e.problem, size);
}

/**
 * A failure in words: a problem from the server (by its code and reason), a
 * network failure, or a sentence given as is. Only the panel words failures,
 * so this table loads with it, not with the launcher.
 */
export const problemOf = (i18n: I18n, e: unknown): string =>
  typeof e === 'string' ? e : problemText(i18n.lang, e, i18n.size, i18n.t.error);

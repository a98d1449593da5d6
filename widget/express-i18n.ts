/**
 * The strings of reactions, the emoji picker and mentions, in the panel's
 * chunk rather than in i18n.ts, which every page loads with the launcher.
 */
const fr = {
  react: 'Réagir',
  actions: 'Actions sur le message',
  reactWith: (emoji: string) => `Réagir avec ${emoji}`,
  moreReactions: 'Autres réactions',
  // Starts with what the chip shows (the emoji and the count), as its visible text must be part of its name.
  reactedBy: (emoji: string, names: string[], mine: boolean) =>
    `${emoji} ${names.length} : ${names.join(', ')}${mine ? ' (cliquer pour retirer votre réaction)' : ''}`,
  reactions: 'Réactions',
  emoji: 'Insérer un emoji',
  pickEmoji: 'Choisir un emoji',
  closePicker: 'Fermer le choix d’emoji',
  suggestions: 'Personnes à mentionner',
  suggestionCount: (n: number) => (n ? `${n} personne${n > 1 ? 's' : ''} à mentionner, flèches pour choisir, Entrée pour insérer` : ''),
  everyoneHint: 'tous les membres',
  you: 'vous',
};

const en: typeof fr = {
  react: 'React',
  actions: 'Message actions',
  reactWith: (emoji) => `React with ${emoji}`,
  moreReactions: 'More reactions',
  reactedBy: (emoji, names, mine) => `${emoji} ${names.length}: ${names.join(', ')}${mine ? ' (click to remove your reaction)' : ''}`,
  reactions: 'Reactions',
  emoji: 'Insert an emoji',
  pickEmoji: 'Pick an emoji',
  closePicker: 'Close the emoji picker',
  suggestions: 'People to mention',
  suggestionCount: (n) => (n ? `${n} ${n > 1 ? 'people' : 'person'} to mention, arrows to choose, Enter to insert` : ''),
  everyoneHint: 'every member',
  you: 'you',
};

export type ExpressStrings = typeof fr;
export const expressStrings = (lang: 'fr' | 'en'): ExpressStrings => (lang === 'en' ? en : fr);

// The emoji picker (emoji-picker-element, about 13 KiB gzipped, with its French strings): a chunk of its
// own that the widget imports the first time someone opens it, never before.
import Picker from 'emoji-picker-element/picker.js';
import fr from 'emoji-picker-element/i18n/fr.js';

/**
 * A new picker in the widget's language, reading its data from the BFF that
 * serves the widget (GET /ipp-chat-emoji/<lang>.json, beside the chunks, of
 * which this module is one): never from a third-party host.
 */
export function createPicker(lang: 'fr' | 'en'): Picker {
  const dataSource = new URL(`../ipp-chat-emoji/${lang}.json`, import.meta.url).href;
  return new Picker({ locale: lang, dataSource, ...(lang === 'fr' ? { i18n: fr } : {}) });
}

import { createContext } from '@lit/context';
import type { ChatApi } from './api';
import type { I18n } from './i18n';

/** The API client, provided by `<ipp-chat>` to the elements inside it. */
export const apiContext = createContext<ChatApi | undefined>(Symbol('ipp-api'));

/** Strings and formatters for the current language, provided by `<ipp-chat>`. */
export const i18nContext = createContext<I18n>(Symbol('ipp-i18n'));

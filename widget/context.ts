import { createContext } from '@lit/context';
import type { ChatApi } from './api';
import type { ChatActions } from './chat-actions';
import type { I18n } from './i18n';

/** The API client, provided by `<ipp-chat>` to the elements inside it. */
export const apiContext = createContext<ChatApi | undefined>(Symbol('ipp-api'));

/** Strings and formatters for the current language, provided by `<ipp-chat>`. */
export const i18nContext = createContext<I18n>(Symbol('ipp-i18n'));

/** What the user does (sending, editing, the room dialogs' actions), provided by `<ipp-chat>`: the one way elements change data. */
export const actionsContext = createContext<ChatActions | undefined>(Symbol('ipp-actions'));

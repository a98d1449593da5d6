/**
 * The ipp-chat bundle: defines `<ipp-chat>` and the elements it is made of.
 * @module
 */
export { IppChat } from './ipp-chat';
export type { ChatMessage, Message, Room, Member, User, Attachment, Me } from './types';

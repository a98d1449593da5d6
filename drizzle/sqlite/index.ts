export * from './rooms';
export * from './messages';
export { users } from './users';
export * from './events';
export * from './contexts';
export * from './presence';
export * from './reactions';
export * from './webhooks';
export * from './notifications';

import { css } from 'lit';

/**
 * Design tokens. The public `--ipp-chat-*` properties (set by the host page on
 * `ipp-chat`) feed the internal `--ipp-*` ones, which every element uses.
 * Default: the Hapag-Lloyd navy and orange, light or dark.
 */
// The dark palette, for theme="dark" and for theme="auto" on a dark system.
const dark = css`
  --ipp-primary: var(--ipp-chat-primary, #16386f);
  --ipp-bg: var(--ipp-chat-background, #111826);
  --ipp-surface: var(--ipp-chat-surface, #1b2536);
  --ipp-text: var(--ipp-chat-text, #e8edf5);
  --ipp-muted: var(--ipp-chat-muted, #a3adbd);
  --ipp-border: var(--ipp-chat-border, #2e3a50);
  --ipp-mine: var(--ipp-chat-bubble-mine, #223a61);
  --ipp-danger: var(--ipp-chat-danger, #ff8a80);
  --ipp-focus: var(--ipp-chat-focus, #f28c00);
  --ipp-read: #8ab4f8;
  /* People's colours are dark: on the dark theme their names are lightened. */
  --ipp-name-tone: 45%;
`;

export const tokens = css`
  :host {
    --ipp-primary: var(--ipp-chat-primary, #0f2b5b);
    --ipp-on-primary: var(--ipp-chat-on-primary, #fff);
    --ipp-accent: var(--ipp-chat-accent, #f28c00);
    --ipp-on-accent: var(--ipp-chat-on-accent, #0f2b5b);
    --ipp-bg: var(--ipp-chat-background, #fff);
    --ipp-surface: var(--ipp-chat-surface, #f3f5f9);
    --ipp-text: var(--ipp-chat-text, #1b2430);
    --ipp-muted: var(--ipp-chat-muted, #5d6878);
    --ipp-border: var(--ipp-chat-border, #d5dbe5);
    --ipp-mine: var(--ipp-chat-bubble-mine, #e4ecf8);
    --ipp-danger: var(--ipp-chat-danger, #b3261e);
    /* 3:1 or more against the light backgrounds and the navy bar alike. */
    --ipp-focus: var(--ipp-chat-focus, #c45500);
    --ipp-radius: var(--ipp-chat-radius, 12px);
    --ipp-font: var(--ipp-chat-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
  }
  :host([theme='dark']) {
    ${dark}
  }
  @media (prefers-color-scheme: dark) {
    :host([theme='auto']) {
      ${dark}
    }
  }
`;

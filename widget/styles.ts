import { css, unsafeCSS } from 'lit';

/** Controls shared by the elements: buttons, inputs, focus ring, visually hidden text. */
export const shared = css`
  :host {
    font-family: var(--ipp-font);
    color: var(--ipp-text);
    box-sizing: border-box;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  button {
    font: inherit;
    color: inherit;
    background: none;
    border: 0;
    border-radius: 6px;
    padding: 6px 8px;
    cursor: pointer;
  }
  button:hover {
    background: var(--ipp-surface);
  }
  button.primary {
    background: var(--ipp-accent);
    color: var(--ipp-on-accent);
    font-weight: 600;
  }
  button:disabled {
    opacity: 0.5;
    cursor: default;
  }
  input,
  textarea,
  select {
    font: inherit;
    color: var(--ipp-text);
    background: var(--ipp-bg);
    border: 1px solid var(--ipp-border);
    border-radius: 8px;
    padding: 6px 10px;
  }
  :focus-visible {
    outline: 2px solid var(--ipp-focus);
    outline-offset: 1px;
  }
  a {
    color: inherit;
  }
  .icon {
    width: 20px;
    height: 20px;
    fill: currentColor;
    vertical-align: middle;
  }
  button:has(> .icon:only-child) {
    display: inline-grid;
    place-items: center;
    padding: 6px;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  .bar {
    display: flex;
    align-items: center;
    gap: 4px;
    padding: 8px;
    background: var(--ipp-primary);
    color: var(--ipp-on-primary);
  }
  .bar .title {
    flex: 1;
    min-width: 0;
    margin: 0 4px;
    display: flex;
    flex-direction: column;
  }
  .bar h2 {
    margin: 0;
    font-size: 1rem;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .bar .sub {
    font-size: 0.78rem;
    opacity: 0.85;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .bar {
    /* A ring that reads on the navy bar. */
    --ipp-focus: #ffb347;
  }
  .bar button:hover {
    background: rgb(255 255 255 / 0.15);
  }
  .badge {
    min-width: 20px;
    padding: 1px 6px;
    border-radius: 10px;
    background: var(--ipp-accent);
    color: var(--ipp-on-accent);
    font-size: 0.75rem;
    font-weight: 700;
    text-align: center;
  }
`;

/** The host of a panel view (list, room, settings, new room): a column on the panel's background. */
export const view = css`
  :host {
    display: flex;
    flex-direction: column;
    background: var(--ipp-bg);
  }
`;

// Colours white initials read on (contrast 5:1 or more), and that read as text on the light backgrounds.
const TONES = ['#1f5f8b', '#6a3d9a', '#2e7d32', '#ad1457', '#b3261e', '#00695c', '#5d4037', '#3949ab', '#8e24aa', '#c2410c', '#0e7490', '#4d7c0f'];

/** The tone of a person or a room, the same everywhere they appear: `tone-N`, which sets `--ipp-tone`. */
export const toneOf = (id: number) => `tone-${(Math.imul(id, 2654435761) >>> 0) % TONES.length}`;

/**
 * The tones as classes: a page's Content Security Policy without
 * 'unsafe-inline' refuses style attributes, not classes.
 */
export const tones = unsafeCSS(TONES.map((c, i) => `.tone-${i}{--ipp-tone:${c}}`).join(''));

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a JavaScript module of the build, without types.
import { buildWidget } from '../../widget/build.mjs';

type Outputs = Record<string, { inputs: Record<string, unknown>; imports: { path: string; kind: string }[] }>;
interface Built { initial: string[]; picker: string[]; outputs: Outputs; gzipped(files: string[]): number }

/** What every page pays before the launcher works, in gzipped bytes. */
const LAUNCHER_BUDGET = 12 * 1024;

/** The widget's scripts as `npm run build` makes them: what loads with the launcher, with the panel, with the emoji picker. */
describe('the widget bundle', () => {
  let dir: string;
  let built: Built;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ippchat-widget-'));
    built = await buildWidget(dir);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const inputsOf = (files: string[]) => files.flatMap((f) => Object.keys(built.outputs[f].inputs));

  it('keeps the launcher script within its budget: the session, the panel, reactions, emoji and mentions come later', () => {
    expect(built.gzipped(built.initial)).toBeLessThanOrEqual(LAUNCHER_BUDGET);
    const initial = inputsOf(built.initial);
    const later = ['widget/chat-session.ts', 'widget/chat-store.ts', 'widget/event-stream.ts', 'eventsource-parser', 'widget/ipp-chat-panel.ts', 'widget/i18n.ts', 'widget/problems.ts', '@lit/context'];
    for (const lazy of [...later, 'emoji-picker-element', 'widget/ipp-emoji-picker.ts', 'widget/ipp-reactions.ts', 'widget/mention-controller.ts', 'widget/express-i18n.ts']) {
      expect(initial.filter((i) => i.includes(lazy)), lazy).toEqual([]);
    }
  });

  it('loads the emoji picker in a chunk of its own, only by a dynamic import on first use', () => {
    expect(built.picker).toHaveLength(1);
    const [picker] = built.picker;
    expect(inputsOf([picker]).some((i) => i.includes('emoji-picker-element/picker.js'))).toBe(true);
    const importers = Object.entries(built.outputs).flatMap(([file, o]) => o.imports.filter((i) => i.path === picker).map((i) => ({ file, kind: i.kind })));
    expect(importers.length).toBeGreaterThan(0);
    expect(importers.every((i) => i.kind === 'dynamic-import' && !built.initial.includes(i.file))).toBe(true);
    // Not in the panel's chunk either: opening a conversation does not fetch it.
    expect(inputsOf(Object.keys(built.outputs).filter((f) => f.includes('ipp-chat-panel'))).some((i) => i.includes('emoji-picker-element'))).toBe(false);
  });
});

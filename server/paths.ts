import { fileURLToPath } from 'node:url';

/*
 * Where the files the server reads at run time are. From the sources (tsx,
 * tests) they are in the repository; the build (scripts/build.mjs) copies them
 * beside the bundled server, so that dist/ runs on its own:
 *
 *     dist/server/index.js, migrate.js   the server, bundled (IPP_CHAT_BUNDLE is defined there)
 *     dist/migrations/{mysql,sqlite}/    drizzle/migrations/
 *     dist/demo/demo.js, demo.css        demo/
 *     dist/ipp-chat.js, ipp-chat-chunks/ the widget (and ipp-chat-emoji/, its emoji picker's data)
 */
declare const IPP_CHAT_BUNDLE: boolean | undefined;
const bundled = typeof IPP_CHAT_BUNDLE !== 'undefined' && IPP_CHAT_BUNDLE;

// This file is server/paths.ts, or part of dist/server/*.js: one folder above is the repository, or dist/.
const base = new URL('../', import.meta.url);
const at = (source: string, built: string) => new URL(bundled ? built : source, base);

/** The Drizzle migrations of a dialect (a folder path). */
export const migrationsFolder = (dialect: 'mysql' | 'sqlite') =>
  fileURLToPath(at(`drizzle/migrations/${dialect}`, `migrations/${dialect}`));

/** A file of the demo page (demo.js, demo.css). */
export const demoAsset = (name: string) => at(`demo/${name}`, `demo/${name}`);

/** A file of the widget built by `npm run build`: `ipp-chat.js`, `ipp-chat-chunks/NAME.js`, `ipp-chat-emoji/LOCALE.json`. */
export const widgetFile = (path: string) => at(`dist/${path}`, path);

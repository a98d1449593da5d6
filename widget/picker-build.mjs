// emoji-picker-element, made to keep a strict Content-Security-Policy (no 'unsafe-inline' in style-src): its
// stylesheet goes into adoptedStyleSheets instead of a <style> element, and the few style attributes it sets
// go through CSSOM (element.style.cssText), which a policy does not block. The build and the widget tests
// (web-test-runner.config.mjs) both apply it; a new version of the package that changed these lines fails
// the build here rather than break the picker under the host's policy.
import { readFile } from 'node:fs/promises';

const PATCHES = [
  [
    "    const style = document.createElement('style');\n    style.textContent = baseStyles + EXTRA_STYLES;\n    this.shadowRoot.appendChild(style);",
    '    const sheet = new CSSStyleSheet();\n    sheet.replaceSync(baseStyles + EXTRA_STYLES);\n    this.shadowRoot.adoptedStyleSheets = [sheet];',
  ],
  [
    '        targetNode.setAttribute(attributeName, newValue);',
    "        if (attributeName === 'style') targetNode.style.cssText = newValue; else targetNode.setAttribute(attributeName, newValue);",
  ],
];

/** The picker's source with the patches applied; throws when one no longer applies. */
export function patchPicker(source) {
  return PATCHES.reduce((text, [from, to]) => {
    if (!text.includes(from)) throw new Error(`emoji-picker-element changed: cannot apply the CSP patch of "${from.trim().split('\n')[0]}"`);
    return text.replace(from, to);
  }, source);
}

/** True for the file of the package that holds the picker element. */
export const isPickerFile = (path) => /[\\/]emoji-picker-element[\\/]picker\.js$/.test(path);

/** The esbuild plugin applying patchPicker. */
export const picker = {
  name: 'emoji-picker-csp',
  setup(build) {
    build.onLoad({ filter: /[\\/]emoji-picker-element[\\/]picker\.js$/ }, async (args) => ({
      contents: patchPicker(await readFile(args.path, 'utf8')),
      loader: 'js',
    }));
  },
};

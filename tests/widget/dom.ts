/** The first match of a selector in a scope, or inside the shadow roots nested in it, depth first. */
function find(scope: ParentNode, selector: string): Element | null {
  const direct = scope.querySelector(selector);
  if (direct) return direct;
  for (const el of scope.querySelectorAll('*')) {
    const found = el.shadowRoot && find(el.shadowRoot, selector);
    if (found) return found;
  }
  return null;
}

/**
 * The element at the end of a path of selectors, each looked for inside the
 * previous one's shadow root (or the shadow roots within it), e.g.
 * deep(chat, 'ipp-room-view', 'ipp-composer', 'textarea').
 */
export function deep<T extends Element = HTMLElement>(root: Element, ...selectors: string[]): T | null {
  let el: Element | null = root;
  for (const s of selectors) el = el && find(el.shadowRoot ?? el, s);
  return el as T | null;
}

/** Every match of the last selector, in the shadow root of the element the others lead to. */
export function all(root: Element, ...selectors: string[]): Element[] {
  const last = selectors.pop()!;
  const parent = selectors.length ? deep(root, ...selectors) : root;
  return parent ? [...(parent.shadowRoot ?? parent).querySelectorAll(last)] : [];
}

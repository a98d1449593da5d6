/**
 * On a touch screen, a long press on `el` sets the attribute `pressed` (its
 * styles show what hover shows with a mouse) until a touch elsewhere.
 */
export function longPress(el: HTMLElement, ms = 500): void {
  el.addEventListener('pointerdown', (e) => {
    if (e.pointerType !== 'touch') return;
    const timer = setTimeout(() => {
      el.toggleAttribute('pressed', true);
      addEventListener('pointerdown', (o) => !o.composedPath().includes(el) && el.removeAttribute('pressed'), { once: true });
    }, ms);
    const cancel = () => clearTimeout(timer);
    for (const type of ['pointerup', 'pointercancel', 'pointermove']) el.addEventListener(type, cancel, { once: true });
  });
}

// The demo page's own script (external, so the page runs under a strict CSP).
const page = document.querySelector('ipp-chat[mode="page"]');
const chat = page ?? document.querySelector('ipp-chat');
const user = document.body.dataset.user;

document.getElementById('user-switch').addEventListener('change', (e) => {
  window.open(`${location.pathname}?user=${e.target.value}`, '_blank', 'noopener');
  e.target.value = user;
});

// The host's own "Messages" menu badge follows the widget's unread total.
const badge = document.getElementById('unread-badge');
chat.addEventListener('ipp-chat-unread', (e) => {
  badge.textContent = e.detail.count > 99 ? '99+' : String(e.detail.count);
  badge.hidden = e.detail.count === 0;
});

if (page) {
  // The address follows the open conversation (/demo/chat/12), and Back and Forward move between them.
  page.addEventListener('ipp-chat-room', (e) => {
    const path = e.detail.roomId ? `/demo/chat/${e.detail.roomId}` : '/demo/chat';
    if (location.pathname !== path) history.pushState({ room: e.detail.roomId }, '', `${path}?user=${user}`);
  });
  addEventListener('popstate', () => {
    const room = /^\/demo\/chat\/(\d+)$/.exec(location.pathname)?.[1];
    if (room) page.setAttribute('room', room);
    else page.removeAttribute('room');
  });
}

for (const input of document.querySelectorAll('[data-prop]')) {
  input.addEventListener('input', () => chat.style.setProperty(input.dataset.prop, input.value + (input.dataset.unit ?? '')));
}
for (const select of document.querySelectorAll('[data-attr]')) {
  select.addEventListener('change', () => chat.setAttribute(select.dataset.attr, select.value));
}

// The /chat page's address follows the open conversation (/chat/12), and Back and Forward move between them.
const page = document.querySelector('ipp-chat[mode="page"]');
if (page) {
  const base = page.dataset.base.replace(/\/$/, '');
  page.addEventListener('ipp-chat-room', (event) => {
    const path = event.detail.roomId ? `${base}/${event.detail.roomId}` : base;
    if (location.pathname !== path) history.pushState(null, '', path);
  });
  addEventListener('popstate', () => {
    const room = location.pathname.slice(base.length + 1);
    if (/^\d+$/.test(room)) page.setAttribute('room', room);
    else page.removeAttribute('room');
  });
}

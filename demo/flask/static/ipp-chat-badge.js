// Keeps the host menu's unread badges ([data-ipp-chat-badge]) in step with the widget, and opens
// the floating messenger from links marked [data-ipp-chat-open] (on the /chat page, such links
// simply lead there). External, for strict CSPs.
const page = document.querySelector('ipp-chat[mode="page"]');
const chat = page ?? document.querySelector('ipp-chat');
if (chat) {
  chat.addEventListener('ipp-chat-unread', (event) => {
    for (const badge of document.querySelectorAll('[data-ipp-chat-badge]')) {
      badge.textContent = event.detail.count > 99 ? '99+' : String(event.detail.count);
      badge.hidden = event.detail.count === 0;
    }
  });
  if (!page) {
    for (const link of document.querySelectorAll('[data-ipp-chat-open]')) {
      link.addEventListener('click', (event) => {
        event.preventDefault();
        chat.open = true;
      });
    }
  }
}

// The demo page's own script (external, so the page runs under a strict CSP).
const chat = document.querySelector('ipp-chat');

document.getElementById('user-switch').addEventListener('change', (e) => {
  window.open(`/demo/?user=${e.target.value}`, '_blank', 'noopener');
  e.target.value = new URL(location.href).searchParams.get('user') ?? '1';
});

// The host's own "Messages" menu badge follows the widget's unread total.
const badge = document.getElementById('unread-badge');
chat.addEventListener('ipp-chat-unread', (e) => {
  badge.textContent = String(e.detail.count);
  badge.hidden = e.detail.count === 0;
});
document.getElementById('messages-link').addEventListener('click', (e) => {
  e.preventDefault();
  chat.open = true;
});

for (const input of document.querySelectorAll('[data-prop]')) {
  input.addEventListener('input', () => chat.style.setProperty(input.dataset.prop, input.value + (input.dataset.unit ?? '')));
}
for (const select of document.querySelectorAll('[data-attr]')) {
  select.addEventListener('change', () => chat.setAttribute(select.dataset.attr, select.value));
}

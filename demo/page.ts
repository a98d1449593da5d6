import { html } from 'hono/html';
import { DEMO_USERS } from './seed';

const MENU = ['Tableau de bord', 'Simulations', 'Conteneurs', 'Stocks', 'Véhicules', 'Factures', 'Messages'];

/** The mock Import Profit Pro page, seen as one demo user, with the widget in its base layout. */
export function demoPage(userId: number) {
  const user = DEMO_USERS.find((u) => u.id === userId)!;
  return html`<!doctype html>
<html lang="fr">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Import Profit Pro · ${user.full_name}</title>
  <link rel="stylesheet" href="/demo/demo.css">
  <script type="module" src="/ipp-chat.js"></script>
  <script type="module" src="/demo/demo.js"></script>
</head>
<body>
  <header class="topbar">
    <span class="brand">Import <b>Profit</b> Pro</span>
    <label class="who">Vu par
      <select id="user-switch" aria-label="Ouvrir la page en tant que">
        ${DEMO_USERS.map((u) => html`<option value="${u.id}" ?selected=${u.id === userId} ${u.id === userId ? 'selected' : ''}>${u.full_name} — ${u.job}</option>`)}
      </select>
    </label>
    <span class="avatar" aria-hidden="true">${user.full_name.split(' ').map((p) => p[0]).join('')}</span>
  </header>
  <nav class="sidebar" aria-label="Menu principal">
    <ul>
      ${MENU.map((m) => html`<li><a href="#" ${m === 'Messages' ? html`id="messages-link"` : ''}>${m}${m === 'Messages' ? html` <span class="menu-badge" id="unread-badge" hidden></span>` : ''}</a></li>`)}
    </ul>
  </nav>
  <main>
    <h1>Tableau de bord</h1>
    <section class="cards">
      <article><h2>Conteneurs en mer</h2><p class="figure">12</p><p>dont 3 arrivent cette semaine</p></article>
      <article><h2>Marge moyenne Q4</h2><p class="figure">41,8 %</p><p>+2,1 pts sur Q3</p></article>
      <article><h2>Factures à valider</h2><p class="figure">7</p><p>2 en retard</p></article>
    </section>
    <section class="knobs" aria-labelledby="knobs-title">
      <h2 id="knobs-title">Réglages du widget (designers)</h2>
      <p>Ces réglages changent les propriétés CSS <code>--ipp-chat-*</code> et les attributs de <code>&lt;ipp-chat&gt;</code> sur cette page.</p>
      <div class="knob-grid">
        <label>Couleur principale <input type="color" data-prop="--ipp-chat-primary" value="#0f2b5b"></label>
        <label>Couleur d’accent <input type="color" data-prop="--ipp-chat-accent" value="#f28c00"></label>
        <label>Arrondi <input type="range" min="0" max="28" value="14" data-prop="--ipp-chat-radius" data-unit="px"></label>
        <label>Largeur <input type="range" min="320" max="520" value="380" data-prop="--ipp-chat-width" data-unit="px"></label>
        <label>Thème <select data-attr="theme"><option>light</option><option>dark</option><option>auto</option></select></label>
        <label>Langue <select data-attr="lang"><option value="fr">Français</option><option value="en">English</option></select></label>
      </div>
      <p><a id="open-as" href="/demo/?user=${userId === 1 ? 2 : 1}" target="_blank" rel="noopener">Ouvrir la même page en tant que ${DEMO_USERS[userId === 1 ? 1 : 0].full_name} dans un nouvel onglet</a></p>
    </section>
  </main>
  <ipp-chat api="/api/chat" token-url="/demo/token?user=${userId}" lang="fr" title-badge></ipp-chat>
</body>
</html>`;
}

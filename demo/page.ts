import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { DEMO_USERS } from './seed';

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** The invoices of the demo: `/demo/?record=ID` is the page of one, with its chat. */
export const DEMO_RECORDS: Record<string, { client: string; amount: string; due: string }> = {
  '2025-0042': { client: 'Transports Mérieux', amount: '18 450,00 €', due: '15/12/2025' },
  '2025-0043': { client: 'Garage Lefèvre & Fils', amount: '7 980,00 €', due: '20/12/2025' },
};

/** The host's base layout: top bar, menu (with the unread badge on "Messages"), main, and the floating widget. */
function layout(userId: number, title: string, main: Html, chat: Html, page = false) {
  const user = DEMO_USERS.find((u) => u.id === userId)!;
  const menu: [string, string][] = [
    ['Tableau de bord', `/demo/?user=${userId}`], ['Simulations', '#'], ['Conteneurs', '#'], ['Stocks', '#'],
    ['Véhicules', '#'], ['Factures', `/demo/?user=${userId}&record=2025-0042`], ['Messages', `/demo/chat?user=${userId}`],
  ];
  return html`<!doctype html>
<html lang="fr">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${title} · Import Profit Pro</title>
  <link rel="stylesheet" href="/demo/demo.css">
  <script type="module" src="/ipp-chat.js"></script>
  <script type="module" src="/demo/demo.js"></script>
</head>
<body class="${page ? 'chat-page' : ''}" data-user="${userId}">
  <header class="topbar">
    <span class="brand">Import <b>Profit</b> Pro</span>
    <label class="who">Vu par
      <select id="user-switch" aria-label="Ouvrir la page en tant que">
        ${DEMO_USERS.map((u) => html`<option value="${u.id}" ${u.id === userId ? 'selected' : ''}>${u.full_name} — ${u.job}</option>`)}
      </select>
    </label>
    <span class="avatar" aria-hidden="true">${user.full_name.split(' ').map((p) => p[0]).join('')}</span>
  </header>
  <nav class="sidebar" aria-label="Menu principal">
    <ul>
      ${menu.map(([m, href]) => html`<li><a href="${href}" ${m === 'Messages' ? html`id="messages-link" ${page ? html`aria-current="page"` : ''}` : ''}>${m}${m === 'Messages' ? html` <span class="menu-badge" id="unread-badge" hidden></span>` : ''}</a></li>`)}
    </ul>
  </nav>
  <main>${main}</main>
  ${chat}
</body>
</html>`;
}

const floating = (userId: number) => html`<ipp-chat api="/api/chat" token-url="/demo/token?user=${userId}" lang="fr" title-badge></ipp-chat>`;

/**
 * The mock Import Profit Pro page, seen as one demo user, with the widget in
 * its base layout: the dashboard, or an invoice's page (`record`) whose widget
 * carries the record's context-* attributes.
 */
export function demoPage(userId: number, record?: string) {
  const invoice = record ? DEMO_RECORDS[record] : undefined;
  const knobs = html`<section class="knobs" aria-labelledby="knobs-title">
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
      <p><a href="/demo/chat?user=${userId}">La page Messages</a> : la liste et la conversation côte à côte (<code>mode="page"</code>).</p>
      <p><a id="open-as" href="/demo/?user=${userId === 1 ? 2 : 1}" target="_blank" rel="noopener">Ouvrir la même page en tant que ${DEMO_USERS[userId === 1 ? 1 : 0].full_name} dans un nouvel onglet</a></p>
    </section>`;
  if (!invoice) {
    return layout(userId, 'Tableau de bord', html`<h1>Tableau de bord</h1>
    <section class="cards">
      <article><h2>Conteneurs en mer</h2><p class="figure">12</p><p>dont 3 arrivent cette semaine</p></article>
      <article><h2>Marge moyenne Q4</h2><p class="figure">41,8 %</p><p>+2,1 pts sur Q3</p></article>
      <article><h2>Factures à valider</h2><p class="figure">7</p><p>2 en retard</p></article>
    </section>
    ${knobs}`, floating(userId));
  }
  return layout(userId, `Facture ${record}`, html`<h1>Facture ${record}</h1>
    <section class="cards">
      <article><h2>Client</h2><p class="figure">${invoice.client}</p></article>
      <article><h2>Montant TTC</h2><p class="figure">${invoice.amount}</p></article>
      <article><h2>Échéance</h2><p class="figure">${invoice.due}</p></article>
    </section>
    <p>${Object.keys(DEMO_RECORDS).map((id) => html`<a href="/demo/?user=${userId}&amp;record=${id}">Facture ${id}</a> · `)}<a href="/demo/?user=${userId}">Tableau de bord</a></p>
    ${knobs}`,
  html`<ipp-chat api="/api/chat" token-url="/demo/token?user=${userId}" lang="fr" title-badge context-type="invoice" context-id="${record}" context-label="Facture ${record}" context-url="/demo/?record=${record}"></ipp-chat>`);
}

/**
 * The seed's `/chat` page in the demo host (`/demo/chat/ROOM?user=ID`): the
 * conversation page fills the main area; the base layout's floating widget
 * stays on the page, as in a host, and keeps out of the way.
 */
export function demoChatPage(userId: number, room?: number) {
  return layout(userId, 'Messages', html`<h1 class="sr-only">Messages</h1>
    <ipp-chat mode="page" api="/api/chat" token-url="/demo/token?user=${userId}" lang="fr" title-badge ${room ? html`room="${room}"` : ''}></ipp-chat>`,
  floating(userId), true);
}

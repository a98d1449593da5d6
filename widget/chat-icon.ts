/** The speech bubble of the launcher and of the empty conversation pane (24×24, drawn in currentColor). */
export const chatPath = 'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-5 4V5a2 2 0 0 1 1-2zm3 6v2h10V9zm0 4v2h7v-2z';

/** The parts of the inner elements, styleable from the page as ipp-chat::part(...). */
export const PARTS = 'header, room, bubble, input, thumbnail, file, avatar';

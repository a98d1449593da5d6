/** The parts of the inner elements, styleable from the page as ipp-chat::part(...). */
export const PARTS = 'header, room, bubble, input, thumbnail, file, avatar';

/** A touch screen, where focusing a text field pops the keyboard up over what the person came to read. */
export const touchScreen = () => matchMedia('(pointer: coarse)').matches;

let audio: AudioContext | undefined;

/**
 * Prepares sound playback. Browsers only let audio start after a user gesture,
 * so this is called from one (opening the panel).
 */
export function unlockSound(): void {
  audio ??= new AudioContext();
  void audio.resume();
}

/** A short two-tone chime, synthesised so that no media file (or CSP media-src) is needed. */
export function chime(): void {
  if (!audio || audio.state !== 'running') return;
  const t = audio.currentTime;
  const gain = audio.createGain();
  gain.connect(audio.destination);
  gain.gain.setValueAtTime(0.08, t);
  gain.gain.exponentialRampToValueAtTime(0.001, t + 0.35);
  [660, 880].forEach((hz, i) => {
    const osc = audio!.createOscillator();
    osc.frequency.value = hz;
    osc.connect(gain);
    osc.start(t + i * 0.12);
    osc.stop(t + 0.35);
  });
}

/** Shows a desktop notification when the user allowed them; clicking it focuses the tab. */
export function desktopNotify(title: string, body: string, onClick: () => void): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  const n = new Notification(title, { body, tag: 'ipp-chat' });
  n.onclick = () => {
    focus();
    onClick();
    n.close();
  };
}

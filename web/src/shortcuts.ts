// shortcuts.ts maps the player's keys to actions; the help overlay lists the same table.

export type Action = 'toggle' | 'back' | 'forward' | 'volumeUp' | 'volumeDown' | 'fullscreen' | 'mute' | 'subtitles' | 'next' | 'help';

export interface Shortcut {
	keys: string[];
	action: Action;
	label: string;
}

/** shortcuts are the player's keys (KeyboardEvent.key values), in the order the help shows them. */
export const shortcuts: Shortcut[] = [
	{ keys: [' ', 'k'], action: 'toggle', label: 'Play or pause' },
	{ keys: ['ArrowLeft', 'j'], action: 'back', label: 'Back 10 seconds' },
	{ keys: ['ArrowRight', 'l'], action: 'forward', label: 'Forward 10 seconds' },
	{ keys: ['ArrowUp'], action: 'volumeUp', label: 'Volume up' },
	{ keys: ['ArrowDown'], action: 'volumeDown', label: 'Volume down' },
	{ keys: ['m'], action: 'mute', label: 'Mute or unmute' },
	{ keys: ['f'], action: 'fullscreen', label: 'Full screen' },
	{ keys: ['c'], action: 'subtitles', label: 'Subtitles on or off' },
	{ keys: ['n'], action: 'next', label: 'Next episode' },
	{ keys: ['?'], action: 'help', label: 'Show these shortcuts' },
];

/** seekStep is how far back and forward (seconds) the arrow keys move; volumeStep how much the
 * volume changes. */
export const seekStep = 10;
export const volumeStep = 0.1;

export interface KeyLike {
	key: string;
	ctrlKey?: boolean;
	metaKey?: boolean;
	altKey?: boolean;
}

/** actionFor is the action of a key press, or undefined: keys held with Ctrl, Cmd or Alt belong
 * to the browser. Letters match in either case (Caps Lock), except '?', which needs Shift. */
export function actionFor(e: KeyLike): Action | undefined {
	if (e.ctrlKey || e.metaKey || e.altKey) return undefined;
	const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
	return shortcuts.find((s) => s.keys.includes(key))?.action;
}

/** keyName is how the help shows a key. */
export function keyName(k: string): string {
	const names: Record<string, string> = { ' ': 'Space', ArrowLeft: '←', ArrowRight: '→', ArrowUp: '↑', ArrowDown: '↓' };
	return names[k] ?? k.toUpperCase();
}

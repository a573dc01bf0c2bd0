// icons.tsx draws the player's icons as inline SVG: bundled, with no icon font or emoji font
// (which headless and minimal systems lack) and no request.

const filled: Record<string, string> = {
	play: 'M8 5v14l11-7z',
	pause: 'M6 5h4v14H6zm8 0h4v14h-4z',
	volume: 'M3 9v6h4l5 5V4L7 9H3zm13.5 3A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4z',
	muted: 'M3 9v6h4l5 5V4L7 9H3zm12.6.4 1.4-1.4 2 2 2-2 1.4 1.4-2 2 2 2-1.4 1.4-2-2-2 2-1.4-1.4 2-2z',
	fullscreen: 'M5 5h5v2H7v3H5zm9 0h5v5h-2V7h-3zM5 14h2v3h3v2H5zm12 0h2v5h-5v-2h3z',
	previous: 'M6 5h2v14H6zm3.5 7L18 5v14z',
	next: 'M16 5h2v14h-2zM6 5l8.5 7L6 19z',
};

const stroked: Record<string, string> = {
	shuffle: 'M3 7h4l9 10h5M3 17h4l2.5-2.8M13.5 9.8 16 7h5M18 4l3 3-3 3M18 14l3 3-3 3',
	repeat: 'M4 11V9a2 2 0 0 1 2-2h13M16 4l3 3-3 3M20 13v2a2 2 0 0 1-2 2H5M8 20l-3-3 3-3',
	queue: 'M4 6h16M4 12h16M4 18h10',
	close: 'M6 6l12 12M18 6 6 18',
};

export type IconName = keyof typeof filled | keyof typeof stroked;

/** Icon is a 24-unit icon in the text's color; the button that holds it carries the label. */
export function Icon({ name, badge }: { name: IconName; badge?: string }) {
	const d = filled[name] ?? stroked[name];
	const stroke = !(name in filled);
	return (
		<svg class="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
			<path d={d} fill={stroke ? 'none' : 'currentColor'} stroke={stroke ? 'currentColor' : 'none'} stroke-width="2" stroke-linecap="round" stroke-linejoin="round" />
			{badge && (
				<text x="12" y="15" font-size="8" text-anchor="middle" fill="currentColor">
					{badge}
				</text>
			)}
		</svg>
	);
}

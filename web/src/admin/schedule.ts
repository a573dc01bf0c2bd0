// The allowed-hours schedule of a user's parental controls: windows of hours on some days, as
// PATCH /users/{id} takes them (start and end are hours from midnight, 19.5 is 19:30).

export interface AccessWindow {
	day: string;
	start: number;
	end: number;
}

/** days are the names a window's day may take, with their labels. */
export const days: [string, string][] = [
	['everyday', 'Every day'],
	['weekday', 'Weekdays'],
	['weekend', 'Weekends'],
	['monday', 'Monday'],
	['tuesday', 'Tuesday'],
	['wednesday', 'Wednesday'],
	['thursday', 'Thursday'],
	['friday', 'Friday'],
	['saturday', 'Saturday'],
	['sunday', 'Sunday'],
];

/** formatHour writes hours from midnight as HH:MM (19.5 → "19:30"), for <input type=time>. */
export function formatHour(h: number): string {
	const mins = Math.round(h * 60);
	return `${String(Math.floor(mins / 60)).padStart(2, '0')}:${String(mins % 60).padStart(2, '0')}`;
}

/** parseHour reads HH:MM ("19:30" → 19.5; "24:00" is the end of the day); null when malformed. */
export function parseHour(s: string): number | null {
	const m = /^(\d{1,2}):(\d{2})$/.exec(s.trim());
	if (!m) return null;
	const h = Number(m[1]);
	const min = Number(m[2]);
	if (min > 59 || h > 24 || (h === 24 && min > 0)) return null;
	return h + min / 60;
}

/** windowError says what is wrong with a window, or '' when it is valid. */
export function windowError(w: AccessWindow): string {
	if (!days.some(([d]) => d === w.day)) return `unknown day "${w.day}"`;
	if (!(w.start >= 0 && w.end <= 24)) return 'hours must be between 00:00 and 24:00';
	if (w.end <= w.start) return 'the end must be after the start';
	return '';
}

/** scheduleErrors lists the problems of a schedule, one per bad window ("window 2: ..."). */
export function scheduleErrors(ws: AccessWindow[]): string[] {
	const out: string[] = [];
	ws.forEach((w, i) => {
		const e = windowError(w);
		if (e) out.push(`window ${i + 1}: ${e}`);
	});
	if (ws.length > 50) out.push('at most 50 windows');
	return out;
}

/** addWindow appends a new window: every day, from 07:00 to 20:00. */
export function addWindow(ws: AccessWindow[]): AccessWindow[] {
	return [...ws, { day: 'everyday', start: 7, end: 20 }];
}

/** setWindow replaces the fields of window i. */
export function setWindow(ws: AccessWindow[], i: number, patch: Partial<AccessWindow>): AccessWindow[] {
	return ws.map((w, j) => (j === i ? { ...w, ...patch } : w));
}

/** removeWindow drops window i. */
export function removeWindow(ws: AccessWindow[], i: number): AccessWindow[] {
	return ws.filter((_, j) => j !== i);
}

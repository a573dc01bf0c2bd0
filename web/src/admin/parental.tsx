// Parental is the parental controls part of the user editor: the highest rating allowed, unrated
// groups to block, blocked tags, and the hours during which the user may watch.
import { useState } from 'preact/hooks';
import { useApi, useAsync } from '../context';
import { parseList, ratingLevels } from './forms';
import { addWindow, days, formatHour, parseHour, removeWindow, scheduleErrors, setWindow, type AccessWindow } from './schedule';
import type { List, ParentalControls, Rating } from './types';

const unratedGroups: [string, string][] = [
	['movie', 'Movies'],
	['series', 'Shows'],
	['music', 'Music'],
	['video', 'Videos'],
	['other', 'Other (box sets)'],
];

export function Parental({ id, value, onChange }: { id: string; value: ParentalControls; onChange: (p: ParentalControls, problems: string[]) => void }) {
	const api = useApi();
	const ratings = useAsync(() => api.get<List<Rating>>('/ratings'), []);
	const [tags, setTags] = useState(value.blockedTags.join(', '));
	// The time fields as typed; a window's hours change only when its text parses.
	const [times, setTimes] = useState(() => value.schedule.map((w) => [formatHour(w.start), formatHour(w.end)]));
	const set = (p: Partial<ParentalControls>, ts = times) => {
		const next = { ...value, ...p };
		const bad = ts.flatMap(([s, e], i) => (parseHour(s) === null || parseHour(e) === null ? [`window ${i + 1}: a time is not HH:MM`] : []));
		onChange(next, [...bad, ...scheduleErrors(next.schedule)]);
	};
	const setSchedule = (ws: AccessWindow[], ts: string[][]) => {
		setTimes(ts);
		set({ schedule: ws }, ts);
	};

	return (
		<fieldset class="parental">
			<legend>Parental controls</legend>
			<label for={`${id}-rating`}>Highest rating allowed</label>
			<select
				id={`${id}-rating`}
				value={value.maxRatingLevel === null ? '' : String(value.maxRatingLevel)}
				onChange={(e) => set({ maxRatingLevel: e.currentTarget.value === '' ? null : Number(e.currentTarget.value) })}
			>
				<option value="">Any rating</option>
				{ratingLevels(ratings.data?.items ?? []).map(([l, label]) => (
					<option key={l} value={String(l)}>
						{label}
					</option>
				))}
				{value.maxRatingLevel !== null && !ratings.data && <option value={String(value.maxRatingLevel)}>{value.maxRatingLevel}</option>}
			</select>
			<p class="label">Block unrated</p>
			<div class="checks">
				{unratedGroups.map(([g, label]) => (
					<label key={g} class="check">
						<input
							type="checkbox"
							checked={value.blockUnrated.includes(g)}
							onChange={(e) => set({ blockUnrated: e.currentTarget.checked ? [...value.blockUnrated, g] : value.blockUnrated.filter((x) => x !== g) })}
						/>{' '}
						{label}
					</label>
				))}
			</div>
			<label for={`${id}-tags`}>Blocked tags and genres (comma-separated)</label>
			<input
				id={`${id}-tags`}
				value={tags}
				onInput={(e) => {
					setTags(e.currentTarget.value);
					set({ blockedTags: parseList(e.currentTarget.value, true) });
				}}
			/>
			<p class="label">Allowed hours {value.schedule.length === 0 && <span class="muted">(none: any time)</span>}</p>
			{value.schedule.map((w, i) => (
				<div key={i} class="window" role="group" aria-label={`Window ${i + 1}`}>
					<select aria-label="Days" value={w.day} onChange={(e) => setSchedule(setWindow(value.schedule, i, { day: e.currentTarget.value }), times)}>
						{days.map(([d, label]) => (
							<option key={d} value={d}>
								{label}
							</option>
						))}
					</select>
					{(['start', 'end'] as const).map((edge, k) => (
						<input
							key={edge}
							aria-label={edge === 'start' ? 'From' : 'Until'}
							inputMode="numeric"
							placeholder="HH:MM"
							size={5}
							value={times[i]?.[k] ?? ''}
							onInput={(e) => {
								const text = e.currentTarget.value;
								const ts = times.map((t, j) => (j === i ? (k === 0 ? [text, t[1]] : [t[0], text]) : t));
								const h = parseHour(text);
								setSchedule(h === null ? value.schedule : setWindow(value.schedule, i, { [edge]: h }), ts);
							}}
						/>
					))}
					<button type="button" onClick={() => setSchedule(removeWindow(value.schedule, i), times.filter((_, j) => j !== i))}>
						Remove
					</button>
				</div>
			))}
			<button
				type="button"
				onClick={() => {
					const ws = addWindow(value.schedule);
					const w = ws[ws.length - 1];
					setSchedule(ws, [...times, [formatHour(w.start), formatHour(w.end)]]);
				}}
			>
				Add allowed hours
			</button>
		</fieldset>
	);
}

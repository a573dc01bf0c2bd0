// #/stats: the user's own statistics (GET /users/me/stats) over 30 days, 90 days or a year, in
// the browser's time zone, as charts.
import { useState } from 'preact/hooks';
import { BarChart, LineChart } from './charts';
import { useApi, useAsync } from './context';
import { ErrorBox, Spinner } from './ui';
import type { StatsMeasures, UserStats } from './wire';

const ranges = [
	{ days: 30, label: '30 days' },
	{ days: 90, label: '90 days' },
	{ days: 365, label: 'A year' },
];

/** isoDay is the date, days before today, as YYYY-MM-DD in local time. */
function isoDay(daysBefore: number): string {
	const d = new Date();
	d.setDate(d.getDate() - daysBefore);
	return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

const dayCount = (n: number) => (n === 1 ? '1 day' : `${n} days`);

export function Stats() {
	const api = useApi();
	const [days, setDays] = useState(30);
	const [measure, setMeasure] = useState<keyof StatsMeasures>('plays');
	const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
	const stats = useAsync(() => api.get<UserStats>('/users/me/stats', { from: isoDay(days - 1), timeZone, top: 10 }), [days]);
	const unit = measure === 'plays' ? 'plays' : 'hours';
	const s = stats.data;
	return (
		<section class="page stats">
			<div class="toolbar">
				<h1>Your statistics</h1>
				<div class="controls">
					<label class="field">
						<span>Range</span>
						<select value={String(days)} onChange={(e) => setDays(Number(e.currentTarget.value))}>
							{ranges.map((r) => (
								<option key={r.days} value={String(r.days)}>
									{r.label}
								</option>
							))}
						</select>
					</label>
					<label class="field">
						<span>Count</span>
						<select value={measure} onChange={(e) => setMeasure(e.currentTarget.value as keyof StatsMeasures)}>
							<option value="plays">Plays</option>
							<option value="hours">Hours</option>
						</select>
					</label>
				</div>
			</div>
			{stats.error && <ErrorBox error={stats.error} />}
			{!s && !stats.error && <Spinner />}
			{s && (
				<>
					<dl class="totals">
						<div>
							<dt>Plays</dt>
							<dd>{s.totals.plays}</dd>
						</div>
						<div>
							<dt>Hours</dt>
							<dd>{s.totals.hours.toFixed(1)}</dd>
						</div>
						<div>
							<dt>Titles</dt>
							<dd>{s.totals.items}</dd>
						</div>
						<div>
							<dt>Current streak</dt>
							<dd>{dayCount(s.streaks.current.days)}</dd>
						</div>
						<div>
							<dt>Longest streak</dt>
							<dd>{dayCount(s.streaks.longest.days)}</dd>
						</div>
					</dl>
					<LineChart title="By day" points={s.days[measure]} unit={unit} />
					<div class="chart-pair">
						<BarChart title="Hour of the day" points={s.hourOfDay[measure]} unit={unit} labelEvery={3} />
						<BarChart title="Day of the week" points={s.dayOfWeek[measure]} unit={unit} />
					</div>
					{s.topGenres[measure].length > 0 && <BarChart title="Top genres" points={s.topGenres[measure]} unit={unit} />}
					<section aria-labelledby="top-h">
						<h2 id="top-h">Most played</h2>
						<ol class="rows">
							{s.topItems[measure].map((p) => (
								<li key={p.key}>
									<a href={`#/item/${encodeURIComponent(p.key)}`}>{p.label || 'A title no longer here'}</a>
									<span class="hint">
										{p.value} {unit}
									</span>
								</li>
							))}
						</ol>
					</section>
				</>
			)}
		</section>
	);
}

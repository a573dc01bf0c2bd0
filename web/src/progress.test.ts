import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProgressReporter, type ProgressBody } from './progress';

describe('ProgressReporter', () => {
	beforeEach(() => vi.useFakeTimers());
	afterEach(() => vi.useRealTimers());

	function setup() {
		const sent: ProgressBody[] = [];
		const pos = { s: 0 };
		const clock = { t: 0 };
		const r = new ProgressReporter(
			async (b) => {
				sent.push(b);
			},
			() => pos.s,
			{ fileId: 'f1', now: () => clock.t },
		);
		return { sent, pos, clock, r };
	}

	it('reports as it starts, every 10 s while playing, on pause, and once on stop', () => {
		const { sent, pos, clock, r } = setup();
		r.playing();
		expect(sent).toEqual([{ positionMs: 0, fileId: 'f1' }]);
		pos.s = 10.2;
		clock.t = 10_000;
		vi.advanceTimersByTime(10_000);
		expect(sent[1]).toEqual({ positionMs: 10200, fileId: 'f1' });
		pos.s = 14;
		clock.t = 14_000;
		r.paused();
		vi.advanceTimersByTime(30_000); // paused: no more reports every 10 s
		expect(sent).toHaveLength(3);
		expect(sent[2]).toEqual({ positionMs: 14000, fileId: 'f1', paused: true });
		r.paused(); // same position, already said paused: nothing new to say
		expect(sent).toHaveLength(3);
		vi.advanceTimersByTime(60_000); // but a minute on, still here (the server forgets a quiet player)
		expect(sent).toHaveLength(4);
		expect(sent[3]).toEqual({ positionMs: 14000, fileId: 'f1', paused: true });
		vi.advanceTimersByTime(60_000);
		expect(sent).toHaveLength(5);
		r.playing(); // resuming says so at once
		expect(sent).toHaveLength(6);
		expect(sent[5].paused).toBeUndefined();
		vi.advanceTimersByTime(60_000); // no paused keep-alive while playing: the 10 s reports
		expect(sent.slice(6).every((b) => b.paused === undefined)).toBe(true);
		expect(sent).toHaveLength(12);
		pos.s = 20;
		clock.t = 20_000;
		r.stopped();
		r.stopped();
		expect(sent).toHaveLength(13);
		expect(sent[12]).toEqual({ positionMs: 20000, fileId: 'f1', stopped: true, watchedMs: 20_000 });
		r.playing();
		r.paused();
		vi.advanceTimersByTime(120_000);
		expect(sent).toHaveLength(13); // nothing after the stop
	});

	it('says how the file plays in every report, as the options say it now', () => {
		const sent: ProgressBody[] = [];
		const opts: { method?: ProgressBody['method'] } = {};
		const r = new ProgressReporter(
			async (b) => {
				sent.push(b);
			},
			() => 3,
			opts,
		);
		opts.method = 'transcode'; // the player learns it after its decision
		r.playing();
		r.paused(); // the same position, but not yet said paused
		opts.method = 'direct'; // another quality
		r.playing();
		r.stopped();
		expect(sent.map((b) => [b.method, !!b.paused, !!b.stopped])).toEqual([
			['transcode', false, false],
			['transcode', true, false],
			['direct', false, false],
			['direct', false, true],
		]);
	});

	it('swallows failed reports', async () => {
		const r = new ProgressReporter(() => Promise.reject(new Error('offline')), () => 5);
		r.paused();
		await Promise.resolve();
	});
});

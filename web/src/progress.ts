// ProgressReporter tells the server where the player is: as it starts playing and every interval
// while it plays, at once on a pause or a seek while paused, once a minute while paused (the
// server forgets a playback quiet for five minutes: a long pause must not look like a player
// gone), and once with stopped: true when playback ends or the player is left
// (POST /items/{id}/progress). Every report says how the file is played and whether it is
// paused: the admin's Sessions page shows both.

export interface ProgressBody {
	positionMs?: number;
	stopped?: boolean;
	fileId?: string;
	watchedMs?: number;
	method?: 'direct' | 'remux' | 'transcode';
	paused?: boolean;
}

export type Send = (body: ProgressBody) => Promise<unknown>;

export class ProgressReporter {
	private timer: ReturnType<typeof setInterval> | undefined;
	private keepAlive: ReturnType<typeof setInterval> | undefined; // while paused
	private lastSent = -1;
	private lastPaused = false;
	private done = false;
	private watchedMs = 0;
	private playingSince: number | undefined;

	constructor(
		private readonly send: Send,
		private readonly position: () => number, // seconds, as <video>.currentTime
		private readonly opts: { intervalMs?: number; pausedIntervalMs?: number; fileId?: string; method?: ProgressBody['method']; now?: () => number } = {},
	) {}

	private now(): number {
		return (this.opts.now ?? Date.now)();
	}

	private ms(): number {
		return Math.max(0, Math.round(this.position() * 1000));
	}

	private report(extra: ProgressBody = {}): void {
		const positionMs = this.ms();
		this.lastSent = positionMs;
		this.lastPaused = !!extra.paused;
		// A lost report is not worth an error on screen: the next one carries the position again.
		this.send({ positionMs, fileId: this.opts.fileId, method: this.opts.method, ...extra }).catch(() => {});
	}

	/** playing reports at once and starts the periodic reports. */
	playing(): void {
		if (this.done) return;
		clearInterval(this.keepAlive);
		this.keepAlive = undefined;
		if (this.playingSince === undefined) this.playingSince = this.now();
		if (this.timer === undefined) {
			this.report();
			this.timer = setInterval(() => this.report(), this.opts.intervalMs ?? 10_000);
		}
	}

	/** paused stops the periodic reports, reports the position once, paused, and then again
	 * every pausedIntervalMs (a minute) to say the player is still there. */
	paused(): void {
		if (this.done) return;
		this.stopTimer();
		if (this.ms() !== this.lastSent || !this.lastPaused) this.report({ paused: true });
		this.keepAlive = setInterval(() => this.report({ paused: true }), this.opts.pausedIntervalMs ?? 60_000);
	}

	/** stopped reports the end of playback, once. */
	stopped(): void {
		if (this.done) return;
		this.stopTimer();
		this.done = true;
		this.report({ stopped: true, watchedMs: this.watchedMs });
	}

	private stopTimer(): void {
		if (this.playingSince !== undefined) {
			this.watchedMs += this.now() - this.playingSince;
			this.playingSince = undefined;
		}
		if (this.timer !== undefined) {
			clearInterval(this.timer);
			this.timer = undefined;
		}
		clearInterval(this.keepAlive);
		this.keepAlive = undefined;
	}
}

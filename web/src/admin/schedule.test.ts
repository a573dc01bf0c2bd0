import { describe, expect, it } from 'vitest';
import { addWindow, formatHour, parseHour, removeWindow, scheduleErrors, setWindow, windowError } from './schedule';

describe('schedule', () => {
	it('reads and writes hours', () => {
		expect(formatHour(19.5)).toBe('19:30');
		expect(formatHour(0)).toBe('00:00');
		expect(formatHour(24)).toBe('24:00');
		expect(formatHour(7.25)).toBe('07:15');
		expect(parseHour('19:30')).toBe(19.5);
		expect(parseHour('7:15')).toBe(7.25);
		expect(parseHour('24:00')).toBe(24);
		for (const bad of ['24:01', '25:00', '12:60', '12', 'noon', '']) expect(parseHour(bad)).toBeNull();
		for (const h of [0, 6.5, 13.75, 24]) expect(parseHour(formatHour(h))).toBe(h);
	});

	it('checks windows', () => {
		expect(windowError({ day: 'weekday', start: 7, end: 20 })).toBe('');
		expect(windowError({ day: 'someday', start: 7, end: 20 })).toMatch(/unknown day/);
		expect(windowError({ day: 'monday', start: 20, end: 7 })).toMatch(/after the start/);
		expect(windowError({ day: 'monday', start: -1, end: 7 })).toMatch(/between/);
		expect(scheduleErrors([{ day: 'weekend', start: 9, end: 21 }, { day: 'monday', start: 9, end: 9 }])).toEqual(['window 2: the end must be after the start']);
	});

	it('edits a list of windows without changing the old one', () => {
		const a = addWindow([]);
		expect(a).toEqual([{ day: 'everyday', start: 7, end: 20 }]);
		const b = setWindow(addWindow(a), 1, { day: 'weekend', end: 22 });
		expect(b).toEqual([{ day: 'everyday', start: 7, end: 20 }, { day: 'weekend', start: 7, end: 22 }]);
		expect(a).toHaveLength(1);
		expect(removeWindow(b, 0)).toEqual([{ day: 'weekend', start: 7, end: 22 }]);
	});
});

import { describe, expect, it } from 'vitest';
import { actionFor, keyName, shortcuts } from './shortcuts';

describe('shortcuts', () => {
	it('maps the player keys', () => {
		expect(actionFor({ key: ' ' })).toBe('toggle');
		expect(actionFor({ key: 'k' })).toBe('toggle');
		expect(actionFor({ key: 'K' })).toBe('toggle');
		expect(actionFor({ key: 'ArrowLeft' })).toBe('back');
		expect(actionFor({ key: 'j' })).toBe('back');
		expect(actionFor({ key: 'l' })).toBe('forward');
		expect(actionFor({ key: 'ArrowUp' })).toBe('volumeUp');
		expect(actionFor({ key: 'ArrowDown' })).toBe('volumeDown');
		expect(actionFor({ key: 'f' })).toBe('fullscreen');
		expect(actionFor({ key: 'm' })).toBe('mute');
		expect(actionFor({ key: 'c' })).toBe('subtitles');
		expect(actionFor({ key: 'n' })).toBe('next');
		expect(actionFor({ key: '?' })).toBe('help');
	});
	it('leaves other keys and browser shortcuts alone', () => {
		expect(actionFor({ key: 'x' })).toBeUndefined();
		expect(actionFor({ key: 'Tab' })).toBeUndefined();
		expect(actionFor({ key: 'f', ctrlKey: true })).toBeUndefined();
		expect(actionFor({ key: 'l', metaKey: true })).toBeUndefined();
		expect(actionFor({ key: 'ArrowLeft', altKey: true })).toBeUndefined();
	});
	it('gives every key one action and a readable name', () => {
		const keys = shortcuts.flatMap((s) => s.keys);
		expect(new Set(keys).size).toBe(keys.length);
		expect(keyName(' ')).toBe('Space');
		expect(keyName('ArrowLeft')).toBe('←');
		expect(keyName('k')).toBe('K');
	});
});

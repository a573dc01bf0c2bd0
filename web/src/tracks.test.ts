import { describe, expect, it } from 'vitest';
import { isTextSubtitle, labelled, trackLabel } from './tracks';

describe('track names', () => {
	it('uses the title, the language or the number', () => {
		expect(trackLabel({ index: 1, type: 'audio', codec: 'aac', language: 'eng' }, 1)).toBe('English');
		expect(trackLabel({ index: 1, type: 'audio', codec: 'aac', language: 'tlh' }, 1)).toBe('tlh');
		expect(trackLabel({ index: 1, type: 'audio', codec: 'aac', title: 'Commentary', language: 'fre' }, 1)).toBe('Commentary (French)');
		expect(trackLabel({ index: 4, type: 'audio', codec: 'aac' }, 2)).toBe('Track 2');
	});
	it('numbers streams of the same name', () => {
		const got = labelled(
			[
				{ index: 0, type: 'video', codec: 'h264' },
				{ index: 1, type: 'audio', codec: 'aac', language: 'eng' },
				{ index: 2, type: 'audio', codec: 'ac3', language: 'eng' },
				{ index: 3, type: 'audio', codec: 'aac', language: 'fre' },
			],
			'audio',
		);
		expect(got.map((g) => g.label)).toEqual(['English 1', 'English 2', 'French']);
		expect(got.map((g) => g.stream.index)).toEqual([1, 2, 3]);
	});
	it('tells text subtitles from pictures', () => {
		expect(isTextSubtitle({ index: 3, type: 'subtitle', codec: 'subrip' })).toBe(true);
		expect(isTextSubtitle({ index: 3, type: 'subtitle', codec: 'hdmv_pgs_subtitle' })).toBe(false);
		expect(isTextSubtitle({ index: 3, type: 'audio', codec: 'aac' })).toBe(false);
	});
});

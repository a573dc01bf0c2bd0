import { describe, expect, it } from 'vitest';
import { components, decode, decode83, encode83 } from './blurhash';

// dcOnly is a hash of one component: a flat colour.
const dcOnly = (rgb: number) => '0' + '0' + encode83(rgb, 4);

describe('decode83', () => {
	it('reads base 83 and round-trips encode83', () => {
		expect(decode83('0')).toBe(0);
		expect(decode83('~')).toBe(82);
		expect(decode83('10')).toBe(83);
		expect(decode83(encode83(0xff8000, 4))).toBe(0xff8000);
	});
	it('rejects characters outside the alphabet', () => {
		expect(() => decode83('a!')).toThrow(/invalid character/);
	});
});

describe('decode', () => {
	it('draws a one-component hash as its flat colour', () => {
		const px = decode(dcOnly(0xff8000), 4, 3);
		expect(px.length).toBe(4 * 3 * 4);
		for (let i = 0; i < px.length; i += 4) {
			expect([px[i], px[i + 1], px[i + 2], px[i + 3]]).toEqual([255, 128, 0, 255]);
		}
	});

	it('draws a horizontal component as a gradient from one side to the other', () => {
		// 2×1 components (flag 1): grey DC, and an AC that is strongly positive in red only.
		const ac = 18 * 19 * 19 + 9 * 19 + 9; // red +1, green 0, blue 0
		const hash = '1' + encode83(82, 1) + encode83(0x808080, 4) + encode83(ac, 2);
		expect(components(hash)).toEqual({ x: 2, y: 1 });
		const px = decode(hash, 8, 1);
		const red = (x: number) => px[4 * x];
		const green = (x: number) => px[4 * x + 1];
		expect(red(0)).toBeGreaterThan(red(7));
		expect(green(0)).toBe(green(7)); // only red varies
	});

	it('decodes a real hash from the reference implementation with the right size', () => {
		const hash = 'LEHV6nWB2yk8pyo0adR*.7kCMdnj';
		expect(components(hash)).toEqual({ x: 4, y: 3 });
		const px = decode(hash, 32, 32);
		expect(px.length).toBe(32 * 32 * 4);
		expect(px.every((v, i) => i % 4 !== 3 || v === 255)).toBe(true);
	});

	it('rejects malformed hashes', () => {
		expect(() => decode('abc', 4, 4)).toThrow(/too short/);
		expect(() => decode('LEHV6nWB2yk8pyo0adR*.7kCMdn', 4, 4)).toThrow(/length/);
		expect(() => decode(dcOnly(0), 0, 4)).toThrow(/positive/);
	});
});

// A BlurHash decoder (https://blurha.sh): the server sends a short hash with each local image of
// an item, and the client draws it, blurred, while the picture loads. The algorithm follows the
// reference implementation (woltapp/blurhash, MIT); it is small enough not to need the package.

const digits = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~';

/** decode83 reads a base-83 number; it throws on a character outside the alphabet. */
export function decode83(s: string): number {
	let v = 0;
	for (const c of s) {
		const d = digits.indexOf(c);
		if (d < 0) throw new Error(`blurhash: invalid character ${JSON.stringify(c)}`);
		v = v * 83 + d;
	}
	return v;
}

/** encode83 writes v in base 83 with length digits (tests build hashes with it). */
export function encode83(v: number, length: number): string {
	let s = '';
	for (let i = 1; i <= length; i++) s += digits[Math.floor(v / 83 ** (length - i)) % 83];
	return s;
}

function toLinear(v: number): number {
	const x = v / 255;
	return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
}

function toSRGB(v: number): number {
	const x = Math.max(0, Math.min(1, v));
	return x <= 0.0031308 ? Math.round(x * 12.92 * 255) : Math.round((1.055 * x ** (1 / 2.4) - 0.055) * 255);
}

function signPow(v: number, e: number): number {
	return Math.sign(v) * Math.abs(v) ** e;
}

/** components is the number of cosine components a hash holds, across and down; it throws when
 * the hash is malformed. */
export function components(hash: string): { x: number; y: number } {
	if (hash.length < 6) throw new Error('blurhash: too short');
	const flag = decode83(hash[0]);
	const x = (flag % 9) + 1;
	const y = Math.floor(flag / 9) + 1;
	if (hash.length !== 4 + 2 * x * y) throw new Error(`blurhash: length ${hash.length}, want ${4 + 2 * x * y}`);
	return { x, y };
}

/** decode returns width × height RGBA pixels for hash; punch > 1 raises the contrast. */
export function decode(hash: string, width: number, height: number, punch = 1): Uint8ClampedArray {
	if (!(width > 0 && height > 0)) throw new Error('blurhash: width and height must be positive');
	const { x: nx, y: ny } = components(hash);
	const maxValue = ((decode83(hash[1]) + 1) / 166) * punch;
	const colors: [number, number, number][] = [];
	const dc = decode83(hash.slice(2, 6));
	colors.push([toLinear(dc >> 16), toLinear((dc >> 8) & 255), toLinear(dc & 255)]);
	for (let i = 1; i < nx * ny; i++) {
		const v = decode83(hash.slice(4 + i * 2, 6 + i * 2));
		const q = [Math.floor(v / (19 * 19)), Math.floor(v / 19) % 19, v % 19];
		colors.push(q.map((c) => signPow((c - 9) / 9, 2) * maxValue) as [number, number, number]);
	}
	const px = new Uint8ClampedArray(width * height * 4);
	// The cosines depend on x or y alone: compute each once rather than per pixel.
	const cx = new Float64Array(width * nx);
	for (let x = 0; x < width; x++) for (let i = 0; i < nx; i++) cx[x * nx + i] = Math.cos((Math.PI * x * i) / width);
	const cy = new Float64Array(height * ny);
	for (let y = 0; y < height; y++) for (let j = 0; j < ny; j++) cy[y * ny + j] = Math.cos((Math.PI * y * j) / height);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			let r = 0;
			let g = 0;
			let b = 0;
			for (let j = 0; j < ny; j++) {
				for (let i = 0; i < nx; i++) {
					const basis = cx[x * nx + i] * cy[y * ny + j];
					const c = colors[i + j * nx];
					r += c[0] * basis;
					g += c[1] * basis;
					b += c[2] * basis;
				}
			}
			const o = 4 * (x + y * width);
			px[o] = toSRGB(r);
			px[o + 1] = toSRGB(g);
			px[o + 2] = toSRGB(b);
			px[o + 3] = 255;
		}
	}
	return px;
}

const cache = new Map<string, string>();

/** dataURL draws hash on a small canvas and returns it as a PNG data URL (CSS scales it up,
 * smoothly: the picture is a blur anyway); '' when the hash is bad or there is no canvas. */
export function dataURL(hash: string, width = 32, height = 32): string {
	const key = `${hash}|${width}x${height}`;
	const hit = cache.get(key);
	if (hit !== undefined) return hit;
	let url = '';
	try {
		const canvas = document.createElement('canvas');
		canvas.width = width;
		canvas.height = height;
		const ctx = canvas.getContext('2d');
		if (ctx) {
			const img = ctx.createImageData(width, height);
			img.data.set(decode(hash, width, height));
			ctx.putImageData(img, 0, 0);
			url = canvas.toDataURL('image/png');
		}
	} catch {
		url = ''; // a bad hash draws nothing; the picture still loads
	}
	cache.set(key, url);
	return url;
}

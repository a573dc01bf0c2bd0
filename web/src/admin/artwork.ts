// The artwork editor's logic: an item's pictures grouped by kind in the order people expect,
// their names, and the checks an upload gets before it is sent (the server checks again, on the
// bytes themselves).

/** ArtImage is one picture of GET /items/{id}/images. */
export interface ArtImage {
	kind: string;
	index: number;
	source: 'local' | 'remote' | 'uploaded';
	width?: number;
	height?: number;
	tag: string;
	url: string;
}

/** artKinds are the kinds of picture, in the order the editor shows them, with their names. */
export const artKinds: [string, string][] = [
	['Primary', 'Poster'],
	['Backdrop', 'Backdrop'],
	['Logo', 'Logo'],
	['Thumb', 'Thumbnail'],
	['Banner', 'Banner'],
	['Art', 'Clear art'],
	['Disc', 'Disc'],
];

/** kindName is what people call a kind of picture. */
export function kindName(kind: string): string {
	return artKinds.find(([k]) => k === kind)?.[1] ?? kind;
}

/** groupByKind groups pictures by kind, kinds in artKinds' order (unknown ones last), each by index. */
export function groupByKind(images: ArtImage[]): { kind: string; images: ArtImage[] }[] {
	const order = (k: string) => {
		const i = artKinds.findIndex(([x]) => x === k);
		return i < 0 ? artKinds.length : i;
	};
	const groups = new Map<string, ArtImage[]>();
	for (const im of images) groups.set(im.kind, [...(groups.get(im.kind) ?? []), im]);
	return [...groups.entries()]
		.sort(([a], [b]) => order(a) - order(b) || a.localeCompare(b))
		.map(([kind, ims]) => ({ kind, images: [...ims].sort((a, b) => a.index - b.index) }));
}

/** describe says where a picture comes from and its size, when known. */
export function describe(im: ArtImage): string {
	const from = { local: 'file next to the media', remote: 'from a provider', uploaded: 'uploaded' }[im.source] ?? im.source;
	return im.width && im.height ? `${from} · ${im.width}×${im.height}` : from;
}

/** maxUpload is the server's default limit on an uploaded picture. */
export const maxUpload = 20 << 20;

const uploadTypes = ['image/jpeg', 'image/png', 'image/webp'];

/** uploadProblem says why a file cannot be uploaded as a picture, or '' when it may be sent. */
export function uploadProblem(file: { name: string; type: string; size: number } | undefined): string {
	if (!file) return 'Choose a picture to upload.';
	if (file.size === 0) return `${file.name} is empty.`;
	if (file.size > maxUpload) return `${file.name} is larger than ${maxUpload >> 20} MB.`;
	// An empty type means the browser could not tell: the server looks at the bytes.
	if (file.type && !uploadTypes.includes(file.type)) return `${file.name} is not a JPEG, PNG or WebP picture.`;
	return '';
}

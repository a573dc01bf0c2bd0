import { defineConfig } from 'vitest/config';

// The client is served both at / and at /web/ (the Jellyfin facade's web path), from the same
// embedded files: asset URLs are relative (base './') and routes live in the URL's hash.
export default defineConfig({
	base: './',
	esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
	build: {
		target: 'es2022',
		outDir: 'dist',
		// dist/.gitkeep is committed so that go:embed matches without a build; keep it.
		emptyOutDir: false,
		assetsInlineLimit: 0,
		reportCompressedSize: false,
		// hls.js (lazy, loaded by the player only) is ~600 KB minified, ~180 KB gzipped.
		chunkSizeWarningLimit: 700,
	},
	test: {
		include: ['src/**/*.test.ts'],
		environment: 'node',
	},
});

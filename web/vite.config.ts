import { writeFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// The client is served both at / and at /web/ (the Jellyfin facade's web path), from the same
// embedded files: asset URLs are relative (base './') and routes live in the URL's hash.
export default defineConfig({
	base: './',
	plugins: [{ name: 'walros-gitkeep', apply: 'build', closeBundle: () => writeFileSync('dist/.gitkeep', '') }],
	esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
	build: {
		target: 'es2022',
		outDir: 'dist',
		// Old hashed files must not pile up in the binary: empty dist, then put back the committed
		// dist/.gitkeep that lets go:embed match in a clone never built (plugin below).
		emptyOutDir: true,
		assetsInlineLimit: 0,
		reportCompressedSize: false,
		// hls.js and dash.js (lazy, loaded by the player only when it streams with them) are ~600 KB
		// and ~860 KB minified, ~180 and ~250 KB gzipped.
		chunkSizeWarningLimit: 900,
	},
	// npm run dev: the API of a Walros running on the default port, from the dev server's origin.
	server: { proxy: { '/api': 'http://localhost:8096' } },
	test: {
		include: ['src/**/*.test.ts'],
		environment: 'node',
	},
});

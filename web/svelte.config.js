import { createHash } from 'node:crypto';
import adapter from '@sveltejs/adapter-node';

/**
 * SvelteKit's route announcer (generated root.svelte) carries this inline style attribute; CSP blocks it unless
 * its hash is allowed. If a SvelteKit upgrade changes the string, the browser test reports a CSP error, and
 * app.css still hides #svelte-announcer, so nothing becomes visible in the meantime.
 */
const KIT_ANNOUNCER_STYLE =
  'position: absolute; left: 0; top: 0; clip: rect(0 0 0 0); clip-path: inset(50%); overflow: hidden; white-space: nowrap; width: 1px; height: 1px';
const announcerHash = `sha256-${createHash('sha256').update(KIT_ANNOUNCER_STYLE).digest('base64')}`;

/** @type {import('@sveltejs/kit').Config} */
const config = {
  kit: {
    adapter: adapter({ out: 'build' }),
    // Nonces for server-rendered pages, hashes for prerendered ones. Components never use inline style
    // attributes, so style-src stays at 'self' (SvelteKit relaxes it in dev for Vite's injected <style> tags).
    csp: {
      mode: 'auto',
      directives: {
        'default-src': ['self'],
        'style-src-attr': ['unsafe-hashes', /** @type {`sha256-${string}`} */ (announcerHash)],
        'base-uri': ['self'],
        'form-action': ['self'],
        'frame-ancestors': ['none'],
        'object-src': ['none'],
        'img-src': ['self', 'data:'],
      },
    },
    // kit.csrf is deliberately left at its default: SvelteKit rejects cross-origin form posts.
  },
};

export default config;

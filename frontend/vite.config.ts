import react from '@vitejs/plugin-react';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import type { OutputAsset, OutputChunk } from 'rolldown';
import { build as viteBuild, type Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/** Copies swagger-ui-dist's bundle and CSS to dist/docs-assets/ (served by /api/docs; no CDN). */
function swaggerAssets(): Plugin {
  return {
    name: 'parsipas-swagger-assets',
    apply: 'build',
    closeBundle() {
      const src = dirname(require.resolve('swagger-ui-dist/package.json'));
      const out = resolve(import.meta.dirname, 'dist/docs-assets');
      mkdirSync(out, { recursive: true });
      for (const f of ['swagger-ui-bundle.js', 'swagger-ui.css']) copyFileSync(resolve(src, f), resolve(out, f));
    },
  };
}

/**
 * Chunks for slow links (1.6 Mbit/s, 150 ms per request, HTTP/1.1: few requests, no chains, nothing unused).
 *
 * - entry (src/main.tsx): a few KB, no React; on a reload it starts the session refresh and the work-queue request
 *   and asks for the landing page's chunk, while the rest downloads;
 * - `core`: what src/root.tsx needs (React, router, antd's config/theme, App, auth, i18n), plus what the login page
 *   shares with the shell and the work queue (Alert…): index.html preloads it (`<link rel=modulepreload>`);
 * - `work-queue`: the rest of what the shell (layout, navigation) and the work queue (tags, common components) need,
 *   i.e. what every signed-in page shows;
 * - `login`: the rest of what the login page needs (the form, inputs, tooltips), in one request instead of a dozen;
 * - each other page, the charts and dayjs keep rolldown's automatic chunks.
 *
 * Which modules a page needs is only exact after tree-shaking (`import { Button } from 'antd'` goes through an index
 * that imports every component), so a first, unwritten build with automatic chunking measures it: the modules of the
 * chunks a page's chunk statically imports are exactly what that page needs.
 */
function firstScreenChunks() {
  let sets: { core: Set<string>; shell: Set<string>; work: Set<string>; controls: Set<string>; login: Set<string> } | null = null;
  const get = () => {
    if (!sets) throw new Error('parsipas-first-screen-chunks: the module sets were not measured');
    return sets;
  };
  const plugin: Plugin = {
    name: 'parsipas-first-screen-chunks',
    apply: 'build',
    async buildStart() {
      const out = await viteBuild({
        configFile: false,
        root: import.meta.dirname,
        logLevel: 'silent',
        plugins: [react(), slimAntd()],
        build: { write: false, emptyOutDir: false, minify: false },
      });
      const outputs = (Array.isArray(out) ? out : [out]) as { output: (OutputChunk | OutputAsset)[] }[];
      const chunks = new Map<string, OutputChunk>();
      for (const o of outputs) for (const c of o.output) if (c.type === 'chunk') chunks.set(c.fileName, c);
      const needs = (...suffixes: string[]) => {
        const mods = new Set<string>();
        const seen = new Set<string>();
        const visit = (file: string) => {
          if (seen.has(file)) return;
          seen.add(file);
          const c = chunks.get(file)!;
          c.moduleIds.forEach((m) => mods.add(m));
          c.imports.forEach(visit);
        };
        for (const suffix of suffixes) {
          const c = [...chunks.values()].find((x) => x.moduleIds.some((m) => m.endsWith(suffix)));
          if (!c) throw new Error(`parsipas-first-screen-chunks: no chunk holds ${suffix}`);
          visit(c.fileName);
        }
        return mods;
      };
      const entry = needs('/src/main.tsx');
      const root = needs('/src/root.tsx');
      const login = needs('/src/features/auth/Login.tsx');
      const shellNeeds = needs('/src/pages/Shell.tsx');
      const queue = new Set([...shellNeeds, ...needs('/src/features/assignments/MyWork.tsx')]);
      const dashboard = needs('/src/features/dashboard/Dashboard.tsx', '/src/antApp.tsx');
      const core = new Set([...root, ...[...login].filter((id) => queue.has(id))].filter((id) => !entry.has(id)));
      const shell = new Set([...shellNeeds].filter((id) => !core.has(id) && !entry.has(id)));
      const work = new Set([...queue].filter((id) => !core.has(id) && !entry.has(id) && !shell.has(id)));
      const signIn = new Set([...login].filter((id) => !core.has(id) && !entry.has(id)));
      const controls = new Set([...signIn].filter((id) => dashboard.has(id)));
      sets = { core, shell, work, controls, login: new Set([...signIn].filter((id) => !controls.has(id))) };
    },
  };
  // The sets are closed under static imports (what stays out is in the entry chunk, always loaded first).
  const groups = [
    { name: 'core', priority: 4, includeDependenciesRecursively: false, test: (id: string) => get().core.has(id) },
    { name: 'shell', priority: 3, includeDependenciesRecursively: false, test: (id: string) => get().shell.has(id) },
    { name: 'work-queue', priority: 2, includeDependenciesRecursively: false, test: (id: string) => get().work.has(id) },
    { name: 'controls', priority: 1, includeDependenciesRecursively: false, test: (id: string) => get().controls.has(id) },
    { name: 'login', priority: 0, includeDependenciesRecursively: false, test: (id: string) => get().login.has(id) },
  ];
  return { plugin, groups };
}

/**
 * Three imports inside antd that pull whole libraries into every page although the app does not use what they serve:
 *
 * - antd's form context (imported by every tooltip, menu and modal through `_util/ContextIsolator`) takes only
 *   `FormProvider` from `@rc-component/form`, but that package's index attaches its parts to the default export, which
 *   tree-shaking cannot drop (the form library and its validator, ~25 KB gzipped): that import is pointed at the
 *   module that defines `FormProvider` (the very module the index re-exports, so nothing changes);
 * - ConfigProvider imports the popup engine (`@rc-component/trigger`, ~13 KB gzipped) for its `tooltip.unique` option
 *   only, which App.tsx does not set: that provider is replaced by a pass-through. Pages with tooltips, selects or
 *   menus still load the engine through those components. (If `tooltip={{ unique: true }}` is ever wanted, drop
 *   this replacement.)
 * - Radio.Group (every table with selectable rows, hence every antd Table) imports `toNamePathStr`, a one-line
 *   helper, from antd's `form/hooks/useForm`, whose `@rc-component/form` import brings the whole form library too:
 *   that import is pointed at a module defining the same helper over the same `toArray`.
 */
function slimAntd(): Plugin {
  const PASS_THROUGH = '\0parsipas:tooltip-unique-provider';
  const NAME_PATH = '\0parsipas:form-name-path';
  let formUtil: string | null = null;
  const from = (importer: string | undefined, suffix: string) => !!importer?.replace(/\\/g, '/').endsWith(suffix);
  return {
    name: 'parsipas-slim-antd',
    enforce: 'pre',
    async resolveId(source, importer) {
      if (source === '@rc-component/form' && from(importer, '/antd/es/form/context.js'))
        return this.resolve('@rc-component/form/es/FormContext.js', importer, { skipSelf: true });
      if (source === '../tooltip/UniqueProvider' && from(importer, '/antd/es/config-provider/index.js')) return PASS_THROUGH;
      if (source === '../form/hooks/useForm' && from(importer, '/antd/es/radio/group.js')) {
        formUtil = (await this.resolve('../form/util', importer, { skipSelf: true }))?.id ?? null;
        return formUtil ? NAME_PATH : null;
      }
      return null;
    },
    load(id) {
      if (id === NAME_PATH)
        return `import { toArray } from ${JSON.stringify(formUtil)};\nexport function toNamePathStr(name) { return toArray(name).join('_'); }`;
      return id === PASS_THROUGH ? 'export default function UniqueProvider(props) { return props.children; }' : null;
    },
  };
}

/** index.html preloads the chunk of src/root.tsx and its static imports: they download with the entry script,
 *  instead of one round trip after it has run. */
function preloadRoot(): Plugin {
  return {
    name: 'parsipas-preload-root',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const bundle = ctx.bundle;
        if (!bundle || ctx.filename.endsWith('survey.html')) return html; // the public form preloads nothing of the app
        const chunks = Object.values(bundle).filter((c) => c.type === 'chunk');
        const root = chunks.find((c) => c.moduleIds.some((id) => id.endsWith('/src/root.tsx')));
        if (!root) throw new Error('parsipas-preload-root: no chunk holds src/root.tsx');
        const files: string[] = [];
        const visit = (file: string) => {
          if (files.includes(file)) return;
          files.push(file);
          const c = bundle[file];
          if (c?.type === 'chunk') c.imports.forEach(visit);
        };
        visit(root.fileName);
        return files
          .filter((f) => !html.includes(`/${f}"`))
          .map((f) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `/${f}` }, injectTo: 'head' as const }));
      },
    },
  };
}

/** The public survey form (survey.html) loads one script and imports nothing later: it needs no modulepreload
 *  polyfill, which would otherwise become a chunk shared with the app (one more request for both pages). */
function surveyWithoutPolyfill(): Plugin {
  return {
    name: 'parsipas-survey-without-polyfill',
    apply: 'build',
    enforce: 'post',
    transform(code, id) {
      if (!id.replace(/\\/g, '/').endsWith('/survey.html')) return null;
      return { code: code.replace('import "vite/modulepreload-polyfill";\n', ''), map: null };
    },
  };
}

const chunks = firstScreenChunks();

export default defineConfig({
  plugins: [react(), slimAntd(), swaggerAssets(), chunks.plugin, preloadRoot(), surveyWithoutPolyfill()],
  server: { proxy: { '/api': 'http://127.0.0.1:8000' } },
  build: {
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      // survey.html: the public survey form (/khao-sat/<token>), its own small entry without React or antd
      input: { index: resolve(import.meta.dirname, 'index.html'), survey: resolve(import.meta.dirname, 'survey.html') },
      output: { codeSplitting: { groups: chunks.groups } },
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/i18nSetup.ts'],
  },
});

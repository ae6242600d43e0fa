/**
 * One-file builds of TypeScript entries for suites that start many processes (tests/chaos starts a
 * dozen per seed). Under `--import tsx` every module a process loads goes through the loader hooks,
 * which made a worker's start cost about 2.4 s of CPU; the bundle of the same entry starts in about
 * 0.8 s. Our sources (the `@frontload/*` packages and relative imports) go into the bundle; every
 * package is left to Node, by the absolute path the importing file would have loaded, so a workspace's
 * own copy of a package (services/api/node_modules) stays the one it uses. `import.meta.url` and
 * `import.meta.dirname` keep naming each source file, so files found beside a source (migrations,
 * the settings page) are found as they are under tsx.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';

const OUR_SOURCES = /\.(ts|mts|tsx)$/;

/** Leaves packages to Node at the path the importer would resolve; bundles `@frontload/*`. */
const externalPackages: Plugin = {
  name: 'external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.path.startsWith('@frontload/') || args.pluginData === 'resolving') return undefined;
      if (args.path.startsWith('node:')) return { path: args.path, external: true };
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: 'resolving',
      });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      if (!resolved.path.includes('/node_modules/')) return undefined;
      return { path: resolved.path, external: true };
    });
  },
};

/** Gives each bundled source its own `import.meta.url` and `import.meta.dirname`. */
const ownImportMeta: Plugin = {
  name: 'own-import-meta',
  setup(build) {
    build.onLoad({ filter: OUR_SOURCES }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta')) return undefined;
      const contents = source
        .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href))
        .replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path)));
      return { contents, loader: 'ts' };
    });
  },
};

const built = new Map<string, Promise<string>>();

/**
 * The bundle of `entry` (absolute path), built once per process into `outDir` (inside the repository,
 * so Node finds the packages the bundle leaves to it).
 */
export function bundleEntry(entry: string, outDir: string): Promise<string> {
  const key = `${entry}\0${outDir}`;
  let pending = built.get(key);
  if (!pending) {
    pending = (async () => {
      const { build } = await import('esbuild');
      mkdirSync(outDir, { recursive: true });
      const outfile = join(
        outDir,
        `${relative(outDir, entry).replace(/[^a-zA-Z0-9]+/g, '-')}-${process.pid}.mjs`,
      );
      await build({
        entryPoints: [entry],
        outfile,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        conditions: ['@frontload/source'],
        sourcemap: 'inline',
        logLevel: 'silent',
        plugins: [externalPackages, ownImportMeta],
      });
      process.once('exit', () => rmSync(outfile, { force: true }));
      return outfile;
    })();
    built.set(key, pending);
  }
  return pending;
}

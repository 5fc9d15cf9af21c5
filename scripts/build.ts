/**
 * `npm run build`: the bot as one JavaScript file, `dist/main.mjs`, which the container runs
 * (`node --enable-source-maps dist/main.mjs`). Nothing is compiled when it starts, so it is ready in
 * about two thirds of the time `node --import tsx src/main.ts` (`npm start`) takes.
 *
 * Packages stay in node_modules (only the project's own code is bundled); the source map points
 * errors at the TypeScript. The file sits one folder below the project, as `src/` does, so the
 * project folder (flows/, locales/) is found from it the same way (`PROJECT_ROOT` in src/app.ts).
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Bundles `entry` (relative to the project) into `outfile` (relative too, one folder deep). */
export async function bundle(entry: string, outfile: string): Promise<void> {
  if (outfile.split('/').length !== 2) throw new Error(`${outfile}: the bundle must sit one folder below the project`);
  await build({
    entryPoints: [join(ROOT, entry)],
    outfile: join(ROOT, outfile),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await bundle('src/main.ts', 'dist/main.mjs');
  console.log('written: dist/main.mjs (run it with: node --enable-source-maps dist/main.mjs)');
}

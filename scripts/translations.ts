import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../src/app.js';
import {
  markTranslations,
  statusFile,
  TranslationsError,
  writeFilesTogether,
} from '../src/translations/mark.js';
import { exportLanguage, importFile, type ExportFormat } from '../src/translations/exchange.js';

const USAGE = `npm run translations -- <command>
  export --lang <code> [--format xliff|xliff2|csv] [--out <file>]
                      a file for a translator: XLIFF 1.2 (default), XLIFF 2.0 or CSV (Excel, Google Sheets)
  import <file>       read a translated file back (checks every text; changes nothing if one is wrong)
  mark --lang <code|all> [--keys k1,k2] [--all] [--reviewed --by <who> [--on YYYY-MM-DD]]
                      record the English the texts are translated from (without --keys/--all: only texts with no record yet)
  status              write locales/STATUS.md again from the record
  (--root <folder> works on another project folder)`;

/** `npm run translations`: export and import for translators, and the translation record. */
function main(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      lang: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      keys: { type: 'string' },
      all: { type: 'boolean' },
      reviewed: { type: 'boolean' },
      by: { type: 'string' },
      on: { type: 'string' },
      root: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const root = values.root ? resolve(values.root) : PROJECT_ROOT;
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 1;
  }
  switch (command) {
    case 'mark':
      for (const line of markTranslations(root, {
        lang: values.lang,
        keys: values.keys
          ?.split(',')
          .map((k) => k.trim())
          .filter(Boolean),
        all: values.all,
        reviewed: values.reviewed,
        by: values.by,
        on: values.on,
      })) {
        process.stdout.write(`${line}\n`);
      }
      process.stdout.write('locales/STATUS.md written.\n');
      return 0;
    case 'status':
      writeFilesTogether([statusFile(root)]);
      process.stdout.write('locales/STATUS.md written.\n');
      return 0;
    case 'export': {
      const format = (values.format ?? 'xliff') as ExportFormat;
      const { path, count } = exportLanguage(root, { lang: values.lang, format, out: values.out });
      process.stdout.write(`${count} texts written to ${path}\n`);
      return 0;
    }
    case 'import': {
      if (rest.length !== 1)
        throw new TranslationsError('say which file to import: npm run translations -- import <file>');
      const result = importFile(root, resolve(rest[0]!));
      if (!result.ok) {
        process.stdout.write(`${result.lines.join('\n')}\n`);
        return 1;
      }
      process.stdout.write(`${result.lines.join('\n')}\n`);
      return 0;
    }
    default:
      throw new TranslationsError(`unknown command "${command}"\n${USAGE}`);
  }
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof TranslationsError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exitCode = 1;
}

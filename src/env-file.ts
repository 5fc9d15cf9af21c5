import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError } from './config.js';

/** A line of a `.env` file: a comment, a blank line, or NAME=value (an optional `export ` first). */
const SETTING_LINE = /^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*\s*=/;

/**
 * Reads the settings file (`.env` in the folder the command runs in, or the file `ENV_FILE` names)
 * into `env`, for every command (`npm start`, `chat`, `preview`, `leaflet`, `stats`, `bench`). A
 * setting already in the environment wins over the file. A line that is not `NAME=value` stops the
 * start and is named by its number (never its content: it may hold a token). Values are parsed by
 * Node's own `.env` parser (`util.parseEnv`). Returns the names it set.
 */
export function loadEnvFile(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string[] {
  const named = env.ENV_FILE;
  const path = resolve(cwd, named || '.env');
  if (!existsSync(path)) {
    if (named) throw new ConfigError(`ENV_FILE names ${named}, but there is no such file.`);
    return [];
  }
  const text = readFileSync(path, 'utf8');
  const lines = text.split(/\r?\n/);
  let inQuote: string | undefined;
  lines.forEach((line, i) => {
    if (inQuote) {
      // A quoted value that spans lines ends at the line that closes the quote.
      if (line.includes(inQuote)) inQuote = undefined;
      return;
    }
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    if (!SETTING_LINE.test(line)) {
      throw new ConfigError(
        `${named || '.env'} line ${i + 1} cannot be read: each line must be NAME=value (or a # comment). Fix that line, or remove it.`,
      );
    }
    const value = line.slice(line.indexOf('=') + 1).trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'" || quote === '`') && value.indexOf(quote, 1) < 0) inQuote = quote;
  });
  if (inQuote) throw new ConfigError(`${named || '.env'}: a quoted value is never closed (a ${inQuote} is missing).`);
  const parsed = parseEnv(text) as Record<string, string>;
  const set: string[] = [];
  for (const [name, value] of Object.entries(parsed)) {
    if (env[name] !== undefined) continue; // the environment wins
    env[name] = value;
    set.push(name);
  }
  return set;
}

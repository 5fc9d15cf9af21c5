import { ConfigError } from './config.js';
import { loadEnvFile } from './env-file.js';
import { FlowProblemsError } from './problems.js';

/**
 * Runs a command's main function after reading the settings file (`.env`; the environment wins);
 * a known start-up problem prints its plain message and exits 1.
 */
export async function runMain(main: () => Promise<void>): Promise<void> {
  try {
    loadEnvFile();
    await main();
  } catch (err) {
    if (err instanceof ConfigError || err instanceof FlowProblemsError) {
      process.stderr.write(`${err.message}\n`);
    } else {
      process.stderr.write(`Could not start: ${err instanceof Error ? err.message : String(err)}\n`);
    }
    process.exitCode = 1;
  }
}

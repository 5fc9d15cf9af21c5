import type { Api } from 'grammy';
import type { BotCommand, LanguageCode } from 'grammy/types';
import type { Translator } from '../../src/i18n.js';
import { BASE_LOCALE } from '../../src/locales.js';
import type { Logger } from '../../src/log.js';
import { describeApiError } from './api-errors.js';
import { telegramLanguageCode } from './languages.js';

/** The commands in the chat's menu, in menu order. Each has `command.<name>.description` in every locale. */
export const MENU_COMMANDS = ['start', 'help', 'contacts', 'language', 'restart', 'exit'] as const;

/** The command menu in one language. */
export function commandMenu(translator: Translator, lang: string): BotCommand[] {
  return MENU_COMMANDS.map((command) => ({
    command,
    description: translator.t(lang, `command.${command}.description`),
  }));
}

/**
 * Registers the command menu with `setMyCommands`: English as the default for every app language,
 * then one menu per locale under its two-letter code (`zh-HK` -> `zh`). A failure is logged and the
 * bot still starts: the commands work typed, only the menu is missing.
 */
export async function registerCommands(
  api: Api,
  translator: Translator,
  localeCodes: readonly string[],
  logger: Logger,
): Promise<void> {
  const menus: { commands: BotCommand[]; language_code?: LanguageCode }[] = [
    { commands: commandMenu(translator, BASE_LOCALE) },
  ];
  const seen = new Set<string>();
  for (const lang of localeCodes) {
    const code = telegramLanguageCode(lang);
    if (lang === BASE_LOCALE || code === null || seen.has(code)) continue;
    seen.add(code);
    menus.push({ commands: commandMenu(translator, lang), language_code: code });
  }
  for (const menu of menus) {
    try {
      await api.setMyCommands(menu.commands, menu.language_code ? { language_code: menu.language_code } : {});
    } catch (err) {
      logger.warn(
        { method: 'setMyCommands', language: menu.language_code ?? 'default', ...describeApiError(err) },
        'could not set the command menu',
      );
    }
  }
}

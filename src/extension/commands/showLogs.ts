import type { CommandHandler } from './types';

/** Data Labs: Show Logs — reveals the extension's log without taking focus from the editor. */
export const showLogs: CommandHandler = ({ logger }) => {
  logger.show();
};

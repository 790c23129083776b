import type { CommandHandler } from './types';

/** Data Labs: Show Consumer Lag — a live chart of the consumer groups' lag of the lab's Kafka (or a cluster the learner names). */
export const showConsumerLag: CommandHandler = (services, arg) => services.lagMonitor.show(arg);

/**
 * The Audience Guard engine: consent, suppression, frequency caps and quiet hours as plain
 * functions of data in, verdict out. No n8n import; the node and the ledgers call it.
 */
export * from './caps';
export * from './consent';
export * from './decide';
export * from './errors';
export * from './history';
export * from './quietHours';

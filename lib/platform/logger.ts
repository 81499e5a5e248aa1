import { pino } from 'pino';

export type Logger = pino.Logger;

// Never log a full ID number, a password or a session id (cookie headers are not logged at all).
const ID_NUMBER_LIKE = /\b(\d{3})\d{11}(\d{3}[\dXx])\b/g;

export function maskSecrets(text: string): string {
  return text.replace(ID_NUMBER_LIKE, '$1***********$2');
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: ['password', '*.password', 'sid', '*.sid', 'cookie', '*.cookie'],
        censor: '[hidden]',
      },
    },
    destination,
  );
}

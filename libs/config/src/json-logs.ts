import { DynamicModule, INestApplicationContext } from '@nestjs/common';
import { Logger, LoggerModule } from 'nestjs-pino';
import pino from 'pino';
import type { AppConfig } from './app-config';

/** LOG_LEVEL (Nest's names) as pino's levels. */
const PINO_LEVEL = { error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace' } as const;

/**
 * The logs of the API, worker and crawler processes (and the API's worker
 * thread): one JSON line each on stderr (pino through nestjs-pino), with the
 * time, level, context and message; stdout stays free. LOG_LEVEL filters
 * them. With LOG_REQUESTS=true each HTTP request gets a line too (pino-http:
 * method, URL, status, time taken) and every line logged while it is
 * served carries its id (`req.id`, Fastify's request id); off by default no
 * per-request code runs at all (no middleware), so a request costs what it
 * did before, and the error filter puts the request id in its 500 line
 * itself. The CLI keeps Nest's plain console logger: its stdout is the
 * command's Chinese output, its warnings go to stderr as text.
 */
export class JsonLogsModule {
  static forRoot(config: AppConfig): DynamicModule {
    const logger = pino(
      {
        level: PINO_LEVEL[config.logLevel],
        timestamp: pino.stdTimeFunctions.isoTime,
        base: { pid: process.pid },
        // "level":"warn", not 40: read by people and by grep.
        formatters: { level: (label) => ({ level: label }) },
      },
      pino.destination({ fd: 2, sync: true }),
    );
    return LoggerModule.forRoot({
      pinoHttp: { logger, autoLogging: config.logRequests, quietReqLogger: true },
      // No routes: without request logging the middleware (a child logger and an async context per request) is not installed.
      ...(config.logRequests ? {} : { forRoutes: [] }),
    });
  }
}

/**
 * Makes the JSON logger the application's (call right after creating it
 * with `bufferLogs: true`, so Nest's own start-up lines come out as JSON too).
 */
export function useJsonLogs(app: INestApplicationContext): void {
  app.useLogger(app.get(Logger));
  app.flushLogs();
}

import { INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppConfig } from '../../../libs/config/src';
import { ApiModule, ApiOptions } from './api.module';
import { ErrorFilter } from './http/error.filter';
import { validationPipe } from './http/validation';

const LEVELS: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

/**
 * The HTTP application as `npm start` and the tests run it: body limits, the
 * JSON error shape, validation, OpenAPI at /docs.
 */
export async function createApiApp(config: AppConfig, options: ApiOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config, options), {
    bodyParser: false,
    logger: LEVELS.slice(0, LEVELS.indexOf(config.logLevel) + 1),
  });
  app.useBodyParser('json', { limit: config.http.bodyLimitBytes });
  app.useGlobalFilters(new ErrorFilter(config.http.bodyLimitBytes));
  app.useGlobalPipes(validationPipe);
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Placement Ledger')
      .setDescription('上稿台账: placements by outlet tier, fed through a queue, turned into reports.')
      .setVersion('0.1.0')
      .build(),
  );
  SwaggerModule.setup('docs', app, document);
  return app;
}

import multipart from '@fastify/multipart';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppConfig, nestLogLevels } from '../../../libs/config/src';
import { ApiModule, ApiOptions } from './api.module';
import { ErrorFilter } from './http/error.filter';
import { validationPipe } from './http/validation';

/**
 * The HTTP adapter of the API: Fastify, with the JSON body limit and one
 * uploaded file per request. Fastify answers about twice as many requests
 * per second as Express on this kind of machine (bench:ingest prints both),
 * which is what a single POST end to end is bound by.
 */
export function createHttpAdapter(config: AppConfig): FastifyAdapter {
  return new FastifyAdapter({ bodyLimit: config.http.bodyLimitBytes, routerOptions: { ignoreTrailingSlash: true } });
}

/**
 * The HTTP application as `npm start` and the tests run it: body limits, the
 * JSON error shape, validation, multipart uploads, OpenAPI at /docs.
 */
export async function createApiApp(config: AppConfig, options: ApiOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot(config, options), createHttpAdapter(config), {
    logger: nestLogLevels(config),
  });
  await app.register(multipart, {
    limits: { fileSize: config.http.uploadLimitBytes, files: 1, fields: 10, parts: 20 },
  });
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

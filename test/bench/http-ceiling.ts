import { Controller, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHttpAdapter } from '../../apps/api/src/create-api-app';
import { AppConfig } from '@pl/config';

/** A POST that does nothing but answer 202, at the path the load generator targets. */
@Controller('api/orgs/:org')
class NoopPlacementsController {
  @Post('placements')
  @HttpCode(202)
  accept(): { ingestionId: string } {
    return { ingestionId: '00000000-0000-4000-8000-000000000000' };
  }
}

@Module({ controllers: [NoopPlacementsController] })
class NoopModule {}

/**
 * The HTTP ceiling of (b): Nest on the API's HTTP adapter (Fastify, same body
 * limit) with a handler that does nothing. No placement API can answer faster
 * on this machine than this does.
 */
export async function startNoopNestApp(config: AppConfig): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(NoopModule, createHttpAdapter(config), { logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  return app;
}

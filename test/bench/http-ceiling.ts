import { Controller, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';

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
 * The HTTP ceiling of (b): Nest on Express with the API's JSON body parser
 * and the same limit, and a handler that does nothing. No placement API can
 * answer faster on this machine than this does.
 */
export async function startNoopNestApp(bodyLimitBytes: number): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(NoopModule, { bodyParser: false, logger: ['error'] });
  app.useBodyParser('json', { limit: bodyLimitBytes });
  await app.listen(0, '127.0.0.1');
  return app;
}

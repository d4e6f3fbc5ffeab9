import { Controller, Get, HttpStatus, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheckResult, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { JobsConnections } from '@pl/jobs';
import { Public } from '../auth/access';
import { health } from '../http/responses';
import { ZodResponse } from '../http/zod-api';

/**
 * GET /health through @nestjs/terminus (its TypeORM ping, with a timeout, and
 * a Redis indicator on the jobs runtime's producer connection). The body
 * keeps the fields scripts read — `status` (ok/error), `database` and `redis`
 * (up/down) — and adds terminus's `info`, `error` and `details`.
 */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly jobs: JobsConnections,
  ) {}

  /** 200 when the database and Redis both answer, else 503 naming what is down. */
  @Get()
  @Public()
  @ZodResponse(200, health, 'The database and Redis answer')
  @ZodResponse(503, health, 'The database or Redis is down')
  async check(@Res() res: FastifyReply): Promise<void> {
    const result: HealthCheckResult = await this.health
      .check([
        () => this.database.pingCheck('database', { timeout: 1000 }),
        async () => {
          const redis = this.indicators.check('redis');
          return (await this.jobs.isHealthy()) ? redis.up() : redis.down();
        },
      ])
      .catch((err: unknown) => {
        // terminus answers a failed check with a 503 exception carrying the same result.
        if (err instanceof ServiceUnavailableException) return err.getResponse() as HealthCheckResult;
        throw err;
      });
    const ok = result.status === 'ok';
    const state = (key: string) => (result.details[key]?.status === 'up' ? ('up' as const) : ('down' as const));
    res.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).send({
      status: ok ? 'ok' : 'error',
      database: state('database'),
      redis: state('redis'),
      info: result.info,
      error: result.error,
      details: result.details,
    });
  }
}

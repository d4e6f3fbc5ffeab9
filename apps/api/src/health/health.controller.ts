import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { JobsConnections } from '@pl/jobs';
import { Public } from '../auth/access';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobsConnections,
  ) {}

  /** 200 when the database and Redis both answer, else 503 naming what is down. */
  @Get()
  @Public()
  async check(@Res() res: FastifyReply): Promise<void> {
    const database = await this.dataSource
      .query('SELECT 1')
      .then(() => 'up' as const)
      .catch(() => 'down' as const);
    const redis = (await this.jobs.isHealthy()) ? ('up' as const) : ('down' as const);
    const ok = database === 'up' && redis === 'up';
    res.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).send({ status: ok ? 'ok' : 'error', database, redis });
  }
}

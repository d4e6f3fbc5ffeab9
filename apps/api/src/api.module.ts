import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AppConfig, ConfigModule, JsonLogsModule } from '@pl/config';
import { CrawlingModule } from '@pl/crawling';
import { JobsModule } from '@pl/jobs';
import { LedgerModule } from '@pl/placements';
import { PersistenceModule } from '@pl/persistence';
import { ReportingModule } from '@pl/reporting';
import { WORKER_QUEUES, WorkerRuntimeModule } from '@pl/worker-runtime';
import { AccessGuard } from './auth/access.guard';
import { AuthController } from './auth/auth.controller';
import { AuthService } from './auth/auth.service';
import { TokensController, UsersController } from './auth/users.controller';
import { CrawlController } from './crawl/crawl.controller';
import { BudgetsController } from './budgets/budgets.controller';
import { ChannelsController } from './channels/channels.controller';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health/health.controller';
import { ImportsController, ImportTemplateController } from './imports/imports.controller';
import { IngestionsController } from './ingestions/ingestions.controller';
import { OrgsController } from './orgs/orgs.controller';
import { PlacementPreviewController } from './placements/placement-preview.controller';
import { EvidenceController } from './placements/evidence.controller';
import { PlacementsController } from './placements/placements.controller';
import { ProfilesController } from './profiles/profiles.controller';
import { ReportsController } from './reports/reports.controller';
import { SelfEvaluationController } from './evaluations/self-evaluation.controller';
import { TemplatesController } from './templates/templates.controller';

export interface ApiOptions {
  /** Run the ingestion worker, report worker and crawler in this process too (the single-machine `npm start`). */
  withWorker: boolean;
  /**
   * With withWorker: the ingestion and report workers run on a worker thread
   * (see worker-thread.ts, as `npm start` does), only the crawler here.
   */
  workersOnThread?: boolean;
  /** The built web UI to serve at / (default dist/web; tests point it at a folder of their own). */
  webUiDir?: string;
}

@Module({})
export class ApiModule {
  static forRoot(config: AppConfig, options: ApiOptions): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot(config),
        JsonLogsModule.forRoot(config),
        PersistenceModule.forRoot(),
        // /health's checks; its own failure log is off (the body says what is down, and a probe polls it).
        TerminusModule.forRoot({ logger: false }),
        JobsModule.forRoot(),
        LedgerModule,
        ReportingModule,
        CrawlingModule,
        ...(!options.withWorker
          ? []
          : [WorkerRuntimeModule.serve(options.workersOnThread ? ['crawl'] : [...WORKER_QUEUES, 'crawl'])]),
      ],
      providers: [AuthService, { provide: APP_GUARD, useClass: AccessGuard }],
      controllers: [
        HealthController,
        AuthController,
        UsersController,
        TokensController,
        OrgsController,
        ChannelsController,
        PlacementPreviewController,
        PlacementsController,
        EvidenceController,
        IngestionsController,
        ImportsController,
        ImportTemplateController,
        BudgetsController,
        ProfilesController,
        ReportsController,
        SelfEvaluationController,
        TemplatesController,
        CrawlController,
      ],
    };
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '@pl/config';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source';
import { ENTITIES } from './entities';

/** The database connection; migrations run on start (never synchronize). */
@Module({})
export class PersistenceModule {
  static forRoot(): DynamicModule {
    return {
      module: PersistenceModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({
            ...dataSourceOptions(config.database),
            migrationsRun: true,
            migrationsTransactionMode: 'each',
          }),
          dataSourceFactory: (options) => new DataSource(options!).initialize(),
        }),
        TypeOrmModule.forFeature(ENTITIES),
      ],
      exports: [TypeOrmModule],
    };
  }
}

export { AppConfig, DatabaseConfig, ConfigError, loadConfig } from './app-config';
export { APP_CONFIG, ConfigModule } from './config.module';
export { describeFailure, exitOnStartupError } from './startup';
export { repoRoot } from './repo-root';
export { JsonLogsModule, useJsonLogs } from './json-logs';
export { releaseMemoryWhenIdle } from './idle-memory';

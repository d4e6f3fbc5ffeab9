export { AppConfig, DatabaseConfig, ConfigError, loadConfig } from './app-config';
export { APP_CONFIG, ConfigModule, nestLogLevels } from './config.module';
export { describeFailure, exitOnStartupError } from './startup';
export { repoRoot } from './repo-root';

/**
 * What the shared input parsers (libs/reporting) take from the domain
 * library, for the browser: its vocabulary and date checks. The library's
 * index also holds Node-only helpers (ids from node:crypto, Buffer pools)
 * that the browser cannot load. For the UI, `@pl/domain` is this file
 * (vite.config.mts alias, tsconfig.json paths).
 */
export * from '../../../../libs/domain/src/vocabulary';
export * from '../../../../libs/domain/src/local-date';
export type { FieldError } from '../../../../libs/domain/src/placement-input';
export * from '../../../../libs/domain/src/safe-text';
export * from '../../../../libs/domain/src/domain-error';

/** @type {import('jest').Config} */
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  // *.pg-spec.ts need PostgreSQL (several processes sharing one database): selected only when
  // DATABASE_URL is postgres (`npm run test:pg`), not skipped tests on SQLite.
  testRegex: /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? '') ? '\\.(spec|e2e-spec|pg-spec)\\.ts$' : '\\.(spec|e2e-spec)\\.ts$',
  moduleFileExtensions: ['ts', 'js', 'json'],
  // The path aliases of tsconfig.json: one door (index.ts) per lib.
  moduleNameMapper: { '^@pl/([a-z-]+)$': '<rootDir>/libs/$1/src' },
  transform: {
    '^.+\\.ts$|content-disposition/.+\\.js$': [
      '@swc/jest',
      {
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
        },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  // content-disposition 3 (a dependency of @fastify/static, which serves /docs) ships only ES modules:
  // Node 20 requires them natively, jest does not, so it is compiled to CommonJS like the sources.
  transformIgnorePatterns: ['/node_modules/(?!(@fastify/static/node_modules/)?content-disposition/)'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  testTimeout: 60000,
  slowTestThreshold: 20,
};

/** Layer rules of docs/ARCHITECTURE.md ("Parts"): dependencies point inward, the core stays pure. */
const io = [
  '^(node:)?(fs|net|http|https|http2|dgram|dns|child_process|cluster|worker_threads|tls|process)(/|$)',
  'node_modules/(pg|ioredis|bullmq|@electric-sql|fastify|pino|googleapis|@microsoft|undici|axios|arctic)/',
];
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'domain-is-pure',
      comment: '@frontload/domain holds types and time helpers only: no I/O, no other workspace package.',
      severity: 'error',
      from: { path: '^shared/domain/src' },
      to: { path: [...io, '^(shared|services|workers)/(?!domain/)'] },
    },
    {
      name: 'planner-is-pure',
      comment: '@frontload/planner may import @frontload/domain and nothing that does I/O.',
      severity: 'error',
      from: { path: '^shared/planner/src' },
      to: { path: [...io, '^(shared|services|workers)/(?!(domain|planner)/)'] },
    },
    {
      name: 'provider-sdks-stay-in-providers',
      comment:
        'googleapis and the Graph client are used only inside @frontload/providers (and the sandbox tests).',
      severity: 'error',
      from: {
        path: '^(shared|services|workers)/',
        pathNot: ['^shared/providers/src', '^services/provider-sandbox/'],
      },
      to: { path: 'node_modules/(googleapis|@googleapis|@microsoft/microsoft-graph-(client|types))/' },
    },
    {
      name: 'shared-does-not-import-apps',
      comment:
        'Shared packages never depend on a service or worker (@frontload/testing may: it starts them for tests).',
      severity: 'error',
      from: { path: '^shared/', pathNot: '^shared/testing/' },
      to: { path: '^(services|workers)/' },
    },
    {
      name: 'apps-do-not-import-each-other',
      severity: 'error',
      from: { path: '^(services|workers)/([^/]+)/' },
      to: { path: '^(services|workers)/', pathNot: '^$1/$2/' },
    },
    {
      name: 'testing-is-dev-only',
      severity: 'error',
      comment:
        'Production source (every src/ file but a *.test.ts) never imports the test-only package @frontload/testing.',
      from: {
        path: '^(shared|services|workers)/[^/]+/src/',
        pathNot: ['^shared/testing/', '\\.test\\.ts$'],
      },
      to: { path: '^shared/testing/' },
    },
    {
      name: 'production-does-not-import-tests',
      severity: 'error',
      comment:
        'Production source never imports test code: a package test/ folder, tests/, __fixtures__ or a *.test.ts.',
      from: {
        path: '^(shared|services|workers)/[^/]+/src/',
        pathNot: ['^shared/testing/', '\\.test\\.ts$', '/__fixtures__/'],
      },
      to: { path: ['^(shared|services|workers)/[^/]+/test/', '^tests/', '/__fixtures__/', '\\.test\\.ts$'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['@frontload/source', 'import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.json'],
    },
  },
};

// The room import rules of ../shared/ARCHITECTURE.md (and docs/architecture.md): a wrong arrow fails `npm run lint`.
const rooms = {
  http: ['http', 'auth', 'authz', 'operations', 'identities', 'audit', 'errors', 'shared'],
  auth: ['auth', 'identities', 'persistence', 'keystores', 'crypto', 'errors', 'shared'],
  authz: ['authz', 'persistence', 'errors', 'shared'],
  operations: ['operations', 'keys', 'identities', 'errors', 'shared'],
  identities: ['identities', 'authz', 'keystores', 'persistence', 'crypto', 'errors', 'shared'],
  keys: ['keys', 'crypto', 'keystores', 'persistence', 'errors', 'shared'],
  crypto: ['crypto', 'shared'],
  keystores: ['keystores', 'crypto', 'errors', 'shared'],
  persistence: ['persistence', 'errors', 'shared'],
  audit: ['audit', 'crypto', 'errors', 'shared'],
  jobs: ['jobs', 'keys', 'persistence', 'audit', 'errors', 'shared'],
  errors: ['errors'],
  shared: ['shared'],
};

const roomRules = Object.entries(rooms).map(([room, allowed]) => ({
  name: `room-${room}`,
  comment: `src/${room}/ may import only: ${allowed.join(', ')}`,
  severity: 'error',
  from: { path: `^src/${room}/` },
  to: { path: '^src/', pathNot: [`^src/(${allowed.join('|')})/`] },
}));

module.exports = {
  forbidden: [
    ...roomRules,
    {
      name: 'only-main-picks-adapters',
      comment: 'adapters (sqlite, software key store, ...) are chosen in src/main.ts only',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/main\\.ts$', '^src/(persistence|keystores)/', '\\.test\\.ts$'] },
      to: { path: '^src/(persistence|keystores)/(?!port\\.ts$)[^/]+/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};

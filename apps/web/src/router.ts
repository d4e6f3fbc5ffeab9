import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { loadChannels } from './lib/catalog';
import { ledgerQuery, requestEarly } from './lib/ledger-list';
import LedgerPage from './pages/LedgerPage.vue';
import { can, loadSession, session } from './session';

declare module 'vue-router' {
  interface RouteMeta {
    title: string;
    /** What the user must be allowed to do to open the page. */
    needs?: keyof typeof can;
    public?: boolean;
  }
}

// 台账, where `/` and every sign-in lead, comes with the app's own code: its files load side by
// side with the app's (index.html preloads them) instead of after the app has run. Every other
// page is its own chunk, fetched when opened: the first load fetches only the shell and 台账.
export const pages: RouteRecordRaw[] = [
  {
    path: '/ledger',
    name: 'ledger',
    component: LedgerPage,
    meta: { title: '台账' },
    // The list and the catalog are asked for while the page is drawn, not after (see ledger-list.ts).
    beforeEnter: (to) => {
      if (session.org) requestEarly(session.org, ledgerQuery(to.query));
      void loadChannels().catch(() => undefined);
    },
  },
  { path: '/entry', name: 'entry', component: () => import('./pages/EntryPage.vue'), meta: { title: '录入', needs: 'write' } },
  { path: '/import', name: 'import', component: () => import('./pages/ImportPage.vue'), meta: { title: '导入', needs: 'write' } },
  { path: '/review', name: 'review', component: () => import('./pages/ReviewPage.vue'), meta: { title: '审核' } },
  { path: '/reports', name: 'reports', component: () => import('./pages/ReportsPage.vue'), meta: { title: '报表' } },
  { path: '/budget', name: 'budget', component: () => import('./pages/BudgetPage.vue'), meta: { title: '预算' } },
  { path: '/profile', name: 'profile', component: () => import('./pages/ProfilePage.vue'), meta: { title: '概况' } },
  { path: '/evaluation', name: 'evaluation', component: () => import('./pages/EvaluationPage.vue'), meta: { title: '绩效自评' } },
  { path: '/manage', name: 'manage', component: () => import('./pages/ManagePage.vue'), meta: { title: '管理', needs: 'admin' } },
];

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', redirect: '/ledger' },
    { path: '/login', name: 'login', component: () => import('./pages/LoginPage.vue'), meta: { title: '登录', public: true } },
    ...pages,
    { path: '/:rest(.*)*', redirect: '/ledger' },
  ],
});

/** Who is signed in: asked once, as soon as the app starts (see startRouting). */
let sessionLoading: Promise<void> | null = null;

router.beforeEach(async (to) => {
  if (!session.loaded) await (sessionLoading ??= loadSession());
  if (to.meta.public) return true;
  if (!session.me) return { name: 'login', query: to.fullPath !== '/ledger' ? { next: to.fullPath } : {} };
  if (to.meta.needs && !can[to.meta.needs]()) return { name: 'ledger' };
  return true;
});

router.afterEach((to) => {
  document.title = `${to.meta.title} · 上稿台账`;
});

/**
 * Starts what the first page needs at once and side by side: who is signed
 * in, and the page's own code (a route's chunk is otherwise fetched only
 * after the guard has the session). The session's request goes out first:
 * the page's chunk brings a score of files, which would otherwise hold the
 * browser's six connections while `GET /api/auth/me`, on which every later
 * call waits, queued behind them.
 */
export function startRouting(): void {
  // Where the address leads (`/` and unknown paths lead to 台账, keeping the query).
  const target = router.resolve(window.location.pathname + window.location.search);
  const ledger = target.name === 'ledger' || (target.matched.length > 0 && target.matched.every((r) => r.redirect === '/ledger'));
  // 台账's list is asked for as soon as the organization is known, before the top bar is drawn,
  // and its catalog right after it. Not with the session: the API answers one request at a time,
  // and the catalog's first answer after a start (~270 ms) held up the session's organizations.
  sessionLoading ??= loadSession(
    ledger
      ? (org) => {
          requestEarly(org, ledgerQuery(target.query));
          void loadChannels().catch(() => undefined);
        }
      : undefined,
  );
  // The typed client sends its request a few promise turns later; a task runs after all of them.
  setTimeout(() => {
    for (const record of router.resolve(window.location.pathname).matched) {
      const load = record.components?.default;
      if (typeof load === 'function') void (load as () => Promise<unknown>)().catch(() => undefined);
    }
  }, 0);
}

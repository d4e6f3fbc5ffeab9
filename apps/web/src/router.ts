import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { can, loadSession, session } from './session';

declare module 'vue-router' {
  interface RouteMeta {
    title: string;
    /** What the user must be allowed to do to open the page. */
    needs?: keyof typeof can;
    public?: boolean;
  }
}

// Each page is its own chunk: the first load fetches only the shell and the page opened.
export const pages: RouteRecordRaw[] = [
  { path: '/ledger', name: 'ledger', component: () => import('./pages/LedgerPage.vue'), meta: { title: '台账' } },
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
 * after the guard has the session).
 */
export function startRouting(): void {
  sessionLoading ??= loadSession();
  for (const record of router.resolve(window.location.pathname).matched) {
    const load = record.components?.default;
    if (typeof load === 'function') void (load as () => Promise<unknown>)().catch(() => undefined);
  }
}

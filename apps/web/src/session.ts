import { reactive } from 'vue';
import { ApiError, setCsrfToken, setUnauthorizedHandler } from './api/client';
import { auth, orgs } from './api/endpoints';
import type { Me } from './api/views';

/**
 * Who is signed in, which organization the pages show, and what the user may
 * do there. Role rules live here and nowhere else in the UI: pages ask
 * `can.write()` etc. The API enforces the same rules; hiding a button is only
 * a courtesy.
 */
export interface OrgChoice {
  slug: string;
  name: string;
  role: string;
}

export const session = reactive({
  loaded: false,
  me: null as Me | null,
  /** The organizations the user can open, with their role in each. */
  orgs: [] as OrgChoice[],
  org: '',
});

const ORG_KEY = 'pl.org';

/**
 * Loads who is signed in. `beforeShown` is called with the organization the
 * pages will show once it is known and before anything of it is drawn: the
 * first page's data can be asked for then, rather than after Vue has drawn
 * the top bar (which took 70 ms of a loaded machine ahead of 台账's list).
 */
export async function loadSession(beforeShown?: (org: string) => void): Promise<void> {
  try {
    const me = await auth.me();
    await adopt(me, beforeShown);
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 401) throw err;
    session.me = null;
    session.orgs = [];
  } finally {
    session.loaded = true;
  }
}

/** Takes the signed-in user's view (from `GET /api/auth/me` or the login answer). */
export async function adopt(me: Me, beforeShown?: (org: string) => void): Promise<void> {
  if (me.csrfToken) setCsrfToken(me.csrfToken);
  const admin = me.role === 'admin';
  let choices: OrgChoice[] = me.organizations.map((o) => ({ slug: o.slug, name: o.name, role: o.role }));
  if (admin || me.region) {
    // Admins and region viewers read organizations they have no membership in.
    const all = await orgs.list();
    const role = admin ? 'admin' : 'viewer';
    choices = all
      .filter((o) => admin || o.region === me.region || choices.some((c) => c.slug === o.slug))
      .map((o) => ({ slug: o.slug, name: o.name, role: choices.find((c) => c.slug === o.slug)?.role ?? role }));
  }
  const saved = localStorage.getItem(ORG_KEY);
  const org = choices.find((c) => c.slug === saved)?.slug ?? choices[0]?.slug ?? '';
  if (org) beforeShown?.(org);
  // The user is shown once all of it is known: setting it earlier drew the top bar before the
  // organizations were even asked for, and again when they came.
  session.me = me;
  session.orgs = choices;
  session.org = org;
}

export function chooseOrg(slug: string): void {
  session.org = slug;
  localStorage.setItem(ORG_KEY, slug);
}

export async function signOut(): Promise<void> {
  try {
    await auth.logout();
  } finally {
    session.me = null;
    session.orgs = [];
    setCsrfToken(null);
  }
}

function isAdmin(): boolean {
  return session.me?.role === 'admin';
}

/** The user's role in the chosen organization. */
export function currentRole(): string {
  if (isAdmin()) return 'admin';
  return session.orgs.find((o) => o.slug === session.org)?.role ?? 'viewer';
}

export const can = {
  /** Log, edit, withdraw, import, budgets and profiles. */
  write: () => ['editor', 'admin'].includes(currentRole()),
  /** Decide the review queue. */
  review: () => ['editor', 'reviewer', 'admin'].includes(currentRole()),
  /** Users, catalog, crawl sources, the queue dashboard. */
  admin: () => isAdmin(),
};

setUnauthorizedHandler(() => {
  session.me = null;
});

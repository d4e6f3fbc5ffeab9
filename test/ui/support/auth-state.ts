import path from 'node:path';

/** The administrator's signed-in browser state (its session cookie), written by global-setup, used by every page. */
export const ADMIN_STATE = path.resolve(__dirname, '..', '..', '..', 'test-results', 'ui-auth', 'admin.json');

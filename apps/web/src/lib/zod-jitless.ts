import { config } from 'zod';

/**
 * Zod without its compiled fast path in the browser: the UI's
 * Content-Security-Policy has no 'unsafe-eval', and Zod's probe for it
 * (`new Function("")`, caught) is still reported as a violation. Imported
 * before the schemas are built (Zod reads the setting as it builds them).
 */
config({ jitless: true });

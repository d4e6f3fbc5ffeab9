import { reactive } from 'vue';
import { toChinese } from '../api/errors';

/**
 * Errors of one form: per field (shown next to it by el-form-item's `error`)
 * and one for the form. The form's values are never touched here, so a failed
 * submit keeps everything the user typed.
 */
export function useFormErrors() {
  const fields = reactive<Record<string, string>>({});
  const state = reactive({ form: '' });
  return {
    fields,
    state,
    clear() {
      for (const k of Object.keys(fields)) delete fields[k];
      state.form = '';
    },
    set(field: string, message: string) {
      fields[field] = message;
    },
    get any() {
      return Object.keys(fields).length > 0;
    },
    /**
     * An API failure: messages of the fields the form shows (`shown`, by the
     * API's field names) go next to them, the rest into the form's message.
     */
    fromApi(err: unknown, shown: readonly string[]) {
      const e = toChinese(err);
      const elsewhere: string[] = [];
      for (const [f, m] of Object.entries(e.fields)) {
        // `authors.0` is shown at `authors`.
        const at = shown.includes(f) ? f : shown.find((s) => f.startsWith(`${s}.`));
        if (at) fields[at] = fields[at] ? `${fields[at]}；${m}` : m;
        else elsewhere.push(m);
      }
      state.form = Object.keys(e.fields).length === 0 ? e.message : elsewhere.length ? elsewhere.join('；') : '提交未成功，请按提示修改后重试';
    },
  };
}

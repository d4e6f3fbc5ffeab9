/** Saves text made in the browser (an error report) as a file. */
export function downloadText(fileName: string, text: string, type = 'text/plain;charset=utf-8'): void {
  // A BOM, so that Notepad and Excel on Chinese Windows read UTF-8.
  const blob = new Blob(['\ufeff', text], { type });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

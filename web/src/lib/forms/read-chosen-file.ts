/**
 * With JavaScript, a file chosen in an `<input type="file">` is read into a text box (where it can be checked and
 * edited) and the input is cleared, so the same file can be chosen again. Null when nothing was chosen.
 */
export async function readChosenFile(event: Event): Promise<string | null> {
  const input = event.currentTarget as HTMLInputElement;
  const file = input.files?.[0];
  if (!file) return null;
  const text = await file.text();
  input.value = '';
  return text;
}

import type { FieldValues, Path, UseFormSetError } from "react-hook-form";
import { ApiError, errorMessage } from "@/api/errors";

/**
 * The server's per-field messages are often fragments ("must be at least 10
 * characters"); prefix those with the field's label to make a sentence.
 */
export function fieldSentence(label: string, message: string): string {
  const text = message.trim();
  if (!/^[a-z]/.test(text)) return text;
  const sentence = `${label} ${text}`;
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}

/**
 * Puts an API error on the form field it names: `details.fields` (422, and some 401s),
 * or a known error code (e.g. `email_taken` → email). `fields` maps each form field to
 * its visible label. Returns a message for the whole form when no field fits, or null
 * when every message found a field.
 */
export function applyServerError<T extends FieldValues>(
  error: unknown,
  setError: UseFormSetError<T>,
  fields: Readonly<Partial<Record<Path<T>, string>>>,
  codeToField: Readonly<Record<string, Path<T>>> = {},
): string | null {
  if (!(error instanceof ApiError)) return errorMessage(error);
  const labelOf = (name: string): string | undefined => (fields as Readonly<Record<string, string | undefined>>)[name];

  let placed = 0;
  const leftovers: string[] = [];
  for (const [name, message] of Object.entries(error.fields)) {
    const label = labelOf(name);
    if (label !== undefined) {
      setError(name as Path<T>, { type: "server", message: fieldSentence(label, message) }, { shouldFocus: placed === 0 });
      placed++;
    } else {
      leftovers.push(fieldSentence(name.replaceAll("_", " "), message));
    }
  }
  const byCode = codeToField[error.code];
  if (placed === 0 && byCode) {
    setError(byCode, { type: "server", message: error.message }, { shouldFocus: true });
    return null;
  }
  if (leftovers.length > 0) return leftovers.join(" ");
  return placed > 0 ? null : errorMessage(error);
}

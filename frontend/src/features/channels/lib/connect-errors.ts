import type { FieldValues, Path, UseFormSetError } from "react-hook-form";
import { applyServerError } from "@/lib/server-errors";
import { sentence } from "./health";

/**
 * Puts a channels_connect error on the field it names (`details.fields`, 422
 * `validation_failed` / `platform_rejected`, or 409 `channel_exists` via `codeToField`)
 * and returns a message for the whole form otherwise (502 `platform_unavailable`, 429).
 */
export function connectError<T extends FieldValues>(
  error: unknown,
  setError: UseFormSetError<T>,
  fields: Readonly<Partial<Record<Path<T>, string>>>,
  codeToField: Readonly<Record<string, Path<T>>> = {},
): string | null {
  const message = applyServerError(error, setError, fields, codeToField);
  return message ? sentence(message) : null;
}

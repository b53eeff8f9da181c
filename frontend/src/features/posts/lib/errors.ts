import { ApiError, errorMessage } from "@/api/errors";
import { serverSentence, subjectOf } from "./compose";

/** Every message of an API error as sentences (field messages get their subject). */
export function apiErrorSentences(error: unknown): string {
  if (error instanceof ApiError && Object.keys(error.fields).length > 0) {
    return Object.entries(error.fields)
      .map(([key, message]) => serverSentence(subjectOf(key), message))
      .join(" ");
  }
  return errorMessage(error);
}

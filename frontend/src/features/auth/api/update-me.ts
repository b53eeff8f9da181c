import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, call, type User } from "@/api/client";
import type { paths } from "@/api/generated/schema";
import type { TimezoneInput } from "../schemas";
import { authKeys } from "./keys";

type UpdateMeRequest = NonNullable<paths["/api/v1/auth/me"]["patch"]["requestBody"]>["content"]["application/json"];

export function updateMe(input: TimezoneInput): Promise<User> {
  // The document types `timezone` as the server's list of IANA names; the picker offers
  // the browser's Intl list, and an unknown name comes back as a 422 on the field.
  const body: UpdateMeRequest = { timezone: input.timezone as UpdateMeRequest["timezone"] };
  return call(api.PATCH("/api/v1/auth/me", { body }));
}

export function useUpdateMe() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateMe,
    onSuccess: (user) => {
      queryClient.setQueryData(authKeys.me(), user);
    },
  });
}

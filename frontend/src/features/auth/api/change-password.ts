import { useMutation } from "@tanstack/react-query";
import { api, call } from "@/api/client";
import type { ChangePasswordInput } from "../schemas";

export async function changePassword(input: Pick<ChangePasswordInput, "current_password" | "new_password">): Promise<void> {
  await call(
    api.POST("/api/v1/auth/change-password", {
      body: { current_password: input.current_password, new_password: input.new_password },
    }),
  );
}

export function useChangePassword() {
  return useMutation({ mutationFn: changePassword });
}

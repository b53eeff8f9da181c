import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, call, WEB_CLIENT_HEADER, type AuthResponse } from "@/api/client";
import { startSession } from "@/api/session";
import type { SignupInput } from "../schemas";
import { authKeys } from "./keys";

export function register(input: SignupInput): Promise<AuthResponse> {
  return call(api.POST("/api/v1/auth/register", { body: input, headers: WEB_CLIENT_HEADER }));
}

export function useRegister() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: register,
    onSuccess: (auth) => {
      queryClient.setQueryData(authKeys.me(), auth.user);
      startSession(auth);
    },
  });
}

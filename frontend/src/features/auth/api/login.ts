import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, call, WEB_CLIENT_HEADER, type AuthResponse } from "@/api/client";
import { startSession } from "@/api/session";
import type { LoginInput } from "../schemas";
import { authKeys } from "./keys";

export function login(input: LoginInput): Promise<AuthResponse> {
  return call(api.POST("/api/v1/auth/login", { body: input, headers: WEB_CLIENT_HEADER }));
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: login,
    onSuccess: (auth) => {
      queryClient.setQueryData(authKeys.me(), auth.user);
      startSession(auth);
    },
  });
}

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, call } from "@/api/client";
import { endSession } from "@/api/session";

export async function logout(): Promise<void> {
  await call(api.POST("/api/v1/auth/logout"));
}

export async function logoutAll(): Promise<void> {
  await call(api.POST("/api/v1/auth/logout-all"));
}

/** Ends the session locally whatever the server says, so the button always works. */
function useEndSession(fn: () => Promise<void>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () => {
      endSession("logout");
      queryClient.clear();
    },
  });
}

export function useLogout() {
  return useEndSession(logout);
}

export function useLogoutAll() {
  return useEndSession(logoutAll);
}

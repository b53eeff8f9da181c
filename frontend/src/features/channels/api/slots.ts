import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, call } from "@/api/client";
import { useSession } from "@/api/session";
import type { components } from "@/api/generated/schema";
import { channelKeys } from "./keys";

export type Slots = components["schemas"]["Slots"];
export type SlotTime = components["schemas"]["SlotTime"];
export type Weekday = components["schemas"]["Weekday"];

export function getSlots(id: string): Promise<Slots> {
  return call(api.GET("/api/v1/channels/{id}/slots", { params: { path: { id } } }));
}

export function slotsQueryOptions(id: string) {
  return queryOptions({ queryKey: channelKeys.slots(id), queryFn: () => getSlots(id) });
}

/** A channel's weekly queue slots, its zone and next free slot; idle until `enabled`. */
export function useSlots(id: string, enabled = true) {
  const authenticated = useSession((s) => s.status === "authenticated");
  return useQuery({ ...slotsQueryOptions(id), enabled: authenticated && enabled });
}

export function setSlots({ id, slots }: { id: string; slots: SlotTime[] }): Promise<Slots> {
  return call(api.PUT("/api/v1/channels/{id}/slots", { params: { path: { id } }, body: { slots } }));
}

export function useSetSlots() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: setSlots,
    onSuccess: (slots) => queryClient.setQueryData(channelKeys.slots(slots.channel_id), slots),
  });
}

import { Notice } from "@/components/ui/notice";
import type { ConnectOption } from "../lib/platforms";

/** Why a platform can't be connected on this server (usually: no app credentials configured). */
export function UnavailableReason({ id, option }: { id: string; option: ConnectOption }) {
  return (
    <Notice testId="platform-unavailable">
      <p className="font-medium">{option.name} isn&apos;t available on this server.</p>
      <p id={id} className="text-muted [overflow-wrap:anywhere]" data-testid="platform-unavailable-reason">
        {option.reason ?? `This server can't connect ${option.name} accounts right now.`}
      </p>
    </Notice>
  );
}

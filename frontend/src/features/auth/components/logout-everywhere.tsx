"use client";

import { useRef, useState } from "react";
import toast from "react-hot-toast";
import { errorMessage } from "@/api/errors";
import { Button } from "@/components/ui/button";
import { CardBody } from "@/components/ui/card";
import { useLogoutAll } from "../api/logout";

export function LogoutEverywhere() {
  const [confirming, setConfirming] = useState(false);
  const logoutAll = useLogoutAll();
  const trigger = useRef<HTMLButtonElement>(null);

  // mutateAsync: this component unmounts as soon as the session ends.
  const confirm = async () => {
    try {
      await logoutAll.mutateAsync();
      toast.success("Logged out on every device.");
    } catch (error) {
      toast.error(`Logged out on this device. ${errorMessage(error)}`);
    }
  };

  return (
    <CardBody className="flex flex-col gap-4 sm:flex-row sm:items-center sm:justify-between">
      <p className="max-w-xl text-sm text-muted">
        Ends every session of your account: other browsers, phones and API clients, and this one. Use it if you
        signed in on a device you no longer control.
      </p>
      {confirming ? (
        <div className="flex shrink-0 flex-wrap items-center gap-2" role="group" aria-label="Confirm logging out everywhere">
          <Button variant="danger" onClick={confirm} loading={logoutAll.isPending} autoFocus>
            Yes, log out everywhere
          </Button>
          <Button
            variant="ghost"
            onClick={() => {
              setConfirming(false);
              requestAnimationFrame(() => trigger.current?.focus());
            }}
          >
            Cancel
          </Button>
        </div>
      ) : (
        <Button ref={trigger} variant="danger" className="shrink-0" onClick={() => setConfirming(true)}>
          Log out everywhere
        </Button>
      )}
    </CardBody>
  );
}

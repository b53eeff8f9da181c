import type { Metadata } from "next";
import { Suspense } from "react";
import { PageLoader } from "@/components/ui/spinner";
import { SignupForm } from "@/features/auth/components/signup-form";

export const metadata: Metadata = { title: "Create your account" };

export default function SignupPage() {
  return (
    <>
      <div className="mb-8 space-y-2">
        <h1 className="text-2xl font-semibold tracking-tight text-fg">Create your account</h1>
        <p className="text-sm text-muted">Start scheduling from your own LetsGrow server.</p>
      </div>
      <Suspense fallback={<PageLoader />}>
        <SignupForm />
      </Suspense>
    </>
  );
}

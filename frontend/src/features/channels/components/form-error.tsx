import { Notice } from "@/components/ui/notice";

/** A connect form's error that belongs to no single field (announced when it appears). */
export function FormError({ id, message }: { id: string; message: string | null }) {
  if (!message) return null;
  return (
    <div id={id}>
      <Notice tone="error" live testId="connect-error">
        <p className="break-words">{message}</p>
      </Notice>
    </div>
  );
}

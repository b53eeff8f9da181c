import path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");
const eslint = new ESLint({ cwd: root, overrideConfigFile: path.join(root, "eslint.config.mjs") });

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe("feature boundaries (eslint.config.mjs)", () => {
  it("refuses a feature importing another feature, by alias or relative path", async () => {
    const found = await problems(
      "src/features/onboarding/components/x.tsx",
      'import { a } from "@/features/posts/lib/content";\nimport { b } from "../../channels/lib/health";\nexport const c = [a, b];\n',
    );
    expect(found).toHaveLength(2);
    expect(found[0]).toContain("part of the onboarding feature and may not import from the posts feature");
    expect(found[1]).toContain("may not import from the channels feature");
  });

  it("refuses shared code importing a feature", async () => {
    const found = await problems("src/lib/x.ts", 'export { a } from "@/features/posts/lib/content";\n');
    expect(found).toEqual([expect.stringContaining("Shared code may not import from the posts feature")]);
  });

  it("allows a feature's own modules, shared code and packages, and routes composing features", async () => {
    expect(
      await problems(
        "src/features/posts/components/x.tsx",
        'import { a } from "../lib/content";\nimport { b } from "@/features/posts/api/types";\nimport { cn } from "@/lib/cn";\nimport { useQuery } from "@tanstack/react-query";\nexport const c = [a, b, cn, useQuery];\n',
      ),
    ).toEqual([]);
    expect(
      await problems("src/app/(app)/x/page.tsx", 'import { a } from "@/features/posts/lib/content";\nimport { b } from "@/features/channels/lib/health";\nexport const c = [a, b];\n'),
    ).toEqual([]);
  });
});

// ESLint runs one rule set here: the feature boundaries. Types and style are checked
// by `tsc --noEmit` and review; this file keeps features from reaching into each other.
import path from "node:path";
import { fileURLToPath } from "node:url";
import tseslint from "typescript-eslint";

const root = path.dirname(fileURLToPath(import.meta.url));
const src = path.join(root, "src");
const features = path.join(src, "features");

/** Where an import specifier points inside `src/`, or null for packages. */
function resolveImport(fromFile, specifier) {
  if (specifier.startsWith("@/")) return path.join(src, specifier.slice(2));
  if (specifier.startsWith(".")) return path.resolve(path.dirname(fromFile), specifier);
  return null;
}

/** The feature folder a path is in (`src/features/<name>/…`), or null. */
function featureOf(file) {
  const rel = path.relative(features, file);
  if (rel.startsWith("..") || path.isAbsolute(rel)) return null;
  const name = rel.split(path.sep)[0];
  return name && name !== rel ? name : null;
}

/** Shared code (everything under src/ except features and routes) must not depend on a feature either. */
function isShared(file) {
  const rel = path.relative(src, file);
  if (rel.startsWith("..")) return false;
  const top = rel.split(path.sep)[0];
  return top === "components" || top === "lib" || top === "api" || top === "stores";
}

const featureBoundaries = {
  meta: {
    type: "problem",
    docs: { description: "A feature under src/features/<a>/ never imports src/features/<b>/; shared code never imports a feature." },
    messages: {
      crossFeature:
        "“{{from}}” is part of the {{own}} feature and may not import from the {{other}} feature. Move what both need to src/components, src/lib or src/api, or let the route pass it in.",
      sharedImportsFeature:
        "Shared code may not import from the {{other}} feature. Move what it needs out of the feature into src/components, src/lib or src/api.",
    },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const own = featureOf(file);
    const shared = isShared(file);
    if (!own && !shared) return {};
    const check = (node, source) => {
      if (!source || typeof source.value !== "string") return;
      const target = resolveImport(file, source.value);
      if (!target) return;
      const other = featureOf(target);
      if (!other || other === own) return;
      if (own) {
        context.report({ node: source, messageId: "crossFeature", data: { from: path.relative(root, file), own, other } });
      } else {
        context.report({ node: source, messageId: "sharedImportsFeature", data: { other } });
      }
    };
    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source.type === "Literal" ? node.source : null),
    };
  },
};

export default [
  { ignores: ["node_modules/**", "out/**", ".next/**", "src/api/generated/**", "e2e-artifacts/**"] },
  {
    files: ["src/**/*.{ts,tsx}"],
    languageOptions: { parser: tseslint.parser, parserOptions: { ecmaFeatures: { jsx: true } } },
    plugins: { letsgrow: { rules: { "feature-boundaries": featureBoundaries } } },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "letsgrow/feature-boundaries": "error",
    },
  },
];

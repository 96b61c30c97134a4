// typescript-eslint's strict, type-checked rules and React's hooks rules over the console's sources.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";

export default tseslint.config(
  { ignores: ["dist/", "src/api/schema.gen.ts"] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    files: ["**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    languageOptions: {
      globals: globals.browser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      "@typescript-eslint/no-non-null-assertion": "off",
      // onClick={() => setX(y)} is the React idiom; braces around it would add noise, not clarity.
      "@typescript-eslint/no-confusing-void-expression": ["error", { ignoreArrowShorthand: true }],
      // Secrets stay in memory or sessionStorage: localStorage outlives the session and is readable by any script later.
      "no-restricted-globals": ["error", { name: "localStorage", message: "never keep a secret in localStorage" }],
      "no-restricted-properties": ["error", { object: "window", property: "localStorage", message: "never keep a secret in localStorage" }],
    },
  },
  {
    files: ["**/*.mjs"],
    ...tseslint.configs.disableTypeChecked,
    // e2e/ scripts run in Node and hand functions to the page (browser globals, axe injected there).
    languageOptions: { globals: { ...globals.node, ...globals.browser, axe: "readonly" } },
  },
);

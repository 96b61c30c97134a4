import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import tailwindcss from "@tailwindcss/vite";

// The local host serves dist/ at / (PIT_CONSOLE_DIR); `npm run dev` proxies the API to a running `./pit up`.
export default defineConfig({
  plugins: [react(), tailwindcss()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 400 },
  server: { proxy: { "/v1": "http://127.0.0.1:7071", "/console": "http://127.0.0.1:7071" } },
});

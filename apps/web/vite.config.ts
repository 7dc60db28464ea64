import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// In development the player runs on Vite (5173) and talks to the server on 3000.
const api = process.env.CHORUS_API ?? "http://localhost:3000";

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      "/trpc": { target: api, ws: true, changeOrigin: true },
      "/media": { target: api, changeOrigin: true },
      "/health": { target: api },
    },
  },
  preview: {
    proxy: {
      "/trpc": { target: api, ws: true, changeOrigin: true },
      "/media": { target: api, changeOrigin: true },
    },
  },
  build: { sourcemap: true, chunkSizeWarningLimit: 700 },
});

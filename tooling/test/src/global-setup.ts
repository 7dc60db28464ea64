import { assertServicesUp } from "./services.js";

/** Vitest globalSetup: refuse to start when PostgreSQL or Redis is down, instead of timing out later. */
export default async function setup(): Promise<void> {
  await assertServicesUp();
}

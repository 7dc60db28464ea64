// Measures what one password check costs on this machine: argon2id at Chorus's settings, against
// the old app's bcrypt (cost 10) as the baseline, in the same run. Run: node packages/api/bench/password-cost.mjs
import { hash, verify } from "@node-rs/argon2";
import bcrypt from "bcryptjs";

const RUNS = Number(process.env.RUNS ?? 30);
const password = "correct horse battery staple";

async function time(fn) {
  const samples = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  const at = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))].toFixed(1);
  return `p50 ${at(0.5)} ms  p95 ${at(0.95)} ms  min ${samples[0].toFixed(1)} ms`;
}

const argonHash = await hash(password, { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
const bcryptHash = bcrypt.hashSync(password, 10);
console.log(`runs: ${RUNS}`);
console.log(`argon2id m=19MiB t=2 p=1 verify: ${await time(() => verify(argonHash, password))}`);
console.log(`bcrypt cost 10 verify (old app): ${await time(() => bcrypt.compare(password, bcryptHash))}`);

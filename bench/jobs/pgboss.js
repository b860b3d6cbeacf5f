// pg-boss on no-op jobs: bulk enqueue rate, processing rate with 16 workers, and idle pickup
// latency (pg-boss polls: each worker fetches up to batch-size jobs, then waits out the rest of
// its polling interval). Usage:
//   node pgboss.js --url postgresql://... [--count 50000] [--pickups 50] [--workers 16]
//                  [--batch-size 100] [--poll 0.5]
// Prints one JSON line on stdout.
"use strict";

const PgBoss = require("pg-boss");
const { parseFlags, nowMs, sleep, log, pollUntilNone, scalar, measurePickup, analyze, emit } = require("./common");

const flags = parseFlags(process.argv.slice(2), {
  url: "", count: 50000, pickups: 50, workers: 16, "batch-size": 100, poll: 0.5, label: "pg-boss",
});
const QUEUE = "noop";

async function main() {
  const { url, count, workers } = flags;
  const boss = new PgBoss({ connectionString: url, max: workers + 4, schedule: false });
  boss.on("error", (e) => log(`pg-boss error: ${e.message}`));
  await boss.start();
  await boss.createQueue(QUEUE);

  const jobs = Array.from({ length: count }, () => ({ name: QUEUE, data: {} }));
  let t = nowMs();
  await boss.insert(jobs);
  const enqueueSecs = (nowMs() - t) / 1000;
  log(`${flags.label}: enqueued ${count} in ${enqueueSecs.toFixed(3)} s`);

  await analyze(url);

  const started = new Map();  // pickup probe seq -> handler start (nowMs)
  let handled = 0;
  const handler = async (batch) => {
    const at = nowMs();
    handled += batch.length;
    for (const job of batch) if (job.data && job.data.seq !== undefined) started.set(job.data.seq, at);
  };
  const options = { batchSize: flags["batch-size"], pollingIntervalSeconds: flags.poll };
  t = nowMs();
  for (let i = 0; i < workers; i++) await boss.work(QUEUE, options, handler);
  // First none waiting (cheap: pg-boss's partial fetch index), then none active.
  const done = await pollUntilNone(url, [
    `SELECT EXISTS (SELECT 1 FROM pgboss.job WHERE name = '${QUEUE}' AND state < 'active')`,
    `SELECT EXISTS (SELECT 1 FROM pgboss.job WHERE name = '${QUEUE}' AND state = 'active')`,
  ]);
  const completed = Number(await scalar(url, `SELECT count(*) FROM pgboss.job WHERE name = '${QUEUE}' AND state = 'completed'`));
  if (completed !== count) throw new Error(`${completed} of ${count} jobs completed`);
  const processSecs = (done - t) / 1000;
  log(`${flags.label}: processed ${handled} in ${processSecs.toFixed(3)} s`);

  await analyze(url);  // the table changed wholesale: statistics as autovacuum would refresh them
  // Workers started together poll together. For the pickup probes, start them afresh, spread
  // evenly over one polling interval, which is the best case for a polling queue.
  await boss.offWork(QUEUE);
  for (let i = 0; i < workers; i++) {
    await boss.work(QUEUE, options, handler);
    await sleep((flags.poll * 1000) / workers);
  }
  const pickup = await measurePickup(flags.pickups, (seq) => boss.send(QUEUE, { seq }), started, log);
  await boss.stop({ graceful: true, wait: true, timeout: 5000 });
  emit({
    system: flags.label,
    count,
    enqueue_per_s: count / enqueueSecs,
    process_per_s: count / processSecs,
    pickup_ms: pickup.pickup_ms,
    enqueue_one_ms: pickup.enqueue_one_ms,
    settings: `${workers} workers, batchSize ${options.batchSize}, pollingIntervalSeconds ${options.pollingIntervalSeconds}, pool max ${workers + 4}`,
  });
}

main().catch((e) => {
  log(e);
  process.exit(1);
});

// graphile-worker on no-op jobs: bulk enqueue rate, processing rate at concurrency 16, and idle
// pickup latency (LISTEN/NOTIFY). Usage:
//   node graphile.js --url postgresql://... [--count 50000] [--pickups 50] [--concurrency 16]
//                    [--local-queue 0] [--complete-batch-delay -1]
// --local-queue 0 and --complete-batch-delay -1 are graphile-worker's defaults (no local queue,
// one DELETE per finished job). Prints one JSON line on stdout.
"use strict";

process.env.NO_LOG_SUCCESS = "1";  // no log line per job: we measure the queue, not the console
const { run, runMigrations, makeWorkerUtils, Logger } = require("graphile-worker");
const { parseFlags, nowMs, log, pollUntilNone, measurePickup, analyze, emit } = require("./common");

const flags = parseFlags(process.argv.slice(2), {
  url: "", count: 50000, pickups: 50, concurrency: 16, "local-queue": 0, "complete-batch-delay": -1,
  label: "graphile-worker",
});
const quiet = new Logger(() => (level, message) => {
  if (level === "error" || level === "warning") log(`graphile-worker ${level}: ${message}`);
});

async function main() {
  const { url, count, concurrency } = flags;
  await runMigrations({ connectionString: url, logger: quiet });
  const utils = await makeWorkerUtils({ connectionString: url, logger: quiet });

  const specs = Array.from({ length: count }, () => ({ identifier: "noop", payload: {} }));
  let t = nowMs();
  await utils.addJobs(specs);
  const enqueueSecs = (nowMs() - t) / 1000;
  log(`${flags.label}: enqueued ${count} in ${enqueueSecs.toFixed(3)} s`);

  await analyze(url);

  const started = new Map();  // pickup probe seq -> handler start (nowMs)
  let handled = 0;
  const worker = {
    concurrentJobs: concurrency,
    maxPoolSize: concurrency + 4,  // the default pool (10) is smaller than the concurrency
  };
  if (flags["local-queue"] > 0) worker.localQueue = { size: flags["local-queue"] };
  if (flags["complete-batch-delay"] >= 0) worker.completeJobBatchDelay = flags["complete-batch-delay"];
  t = nowMs();
  const runner = await run({
    connectionString: url,
    noHandleSignals: true,
    logger: quiet,
    preset: { worker },
    taskList: {
      noop: async (payload) => {
        handled++;
        if (payload && payload.seq !== undefined) started.set(payload.seq, nowMs());
      },
    },
  });
  // graphile-worker deletes a job when it records its completion.
  const done = await pollUntilNone(url, ["SELECT EXISTS (SELECT 1 FROM graphile_worker._private_jobs)"]);
  const processSecs = (done - t) / 1000;
  log(`${flags.label}: processed ${handled} in ${processSecs.toFixed(3)} s`);

  await analyze(url);  // the table changed wholesale: statistics as autovacuum would refresh them
  const pickup = await measurePickup(flags.pickups, (seq) => utils.addJob("noop", { seq }), started, log);
  await runner.stop();
  await utils.release();
  emit({
    system: flags.label,
    count,
    enqueue_per_s: count / enqueueSecs,
    process_per_s: count / processSecs,
    pickup_ms: pickup.pickup_ms,
    enqueue_one_ms: pickup.enqueue_one_ms,
    settings: `concurrency ${concurrency}, maxPoolSize ${worker.maxPoolSize}` +
      (worker.localQueue ? `, localQueue.size ${worker.localQueue.size}` : "") +
      (worker.completeJobBatchDelay !== undefined ? `, completeJobBatchDelay ${worker.completeJobBatchDelay}` : ""),
  });
}

main().catch((e) => {
  log(e);
  process.exit(1);
});
